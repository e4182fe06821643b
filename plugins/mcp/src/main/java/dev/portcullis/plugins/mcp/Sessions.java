package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client sessions in a {@link StateStore}. The id given to the client is 256 random bits; the
 * store key is its SHA-256, so reading the store does not reveal usable session ids. Expiry slides:
 * a session used after half its TTL is written back with a fresh TTL.
 *
 * <p>Every lookup reads the store (another node sharing it may have refreshed or ended the
 * session); what was read is decoded only when it differs from the bytes this node decoded last
 * time for that key, since a session's bytes change only on refresh.
 */
final class Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** Cloned per key: cheaper than looking the algorithm up among the providers each time. */
    private static final MessageDigest SHA_256 = sha256();
    /** Decoded sessions kept; past this, an arbitrary one is dropped (a miss only costs a decode). */
    static final int MAX_DECODED = 4096;

    private final StateStore store;
    private final String keyPrefix;
    private final Duration ttl;
    /** By store key (never the client's id): the bytes last read or written, and their session. */
    private final ConcurrentHashMap<String, Decoded> decoded = new ConcurrentHashMap<>();

    private record Decoded(byte[] stored, Session session) {}

    Sessions(StateStore store, String routeScope, Duration ttl) {
        this.store = store;
        this.keyPrefix = "mcp:session:" + routeScope + ":";
        this.ttl = ttl;
    }

    /** Stores a new session and returns the id to give the client. */
    String create(Session session) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String key = key(id);
        byte[] stored = encode(session);
        store.putValue(key, stored, ttl);
        remember(key, new Decoded(stored, session));
        return id;
    }

    /**
     * The session {@code id} names, if it exists and belongs to {@code subject}; refreshes its
     * expiry when due.
     */
    Optional<Session> find(String id, String subject, Clock clock) {
        if (id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        String key = key(id);
        Optional<byte[]> bytes = store.getValue(key);
        if (bytes.isEmpty()) {
            decoded.remove(key);
            return Optional.empty();
        }
        Session s = decode(key, bytes.get());
        if (s == null || !Objects.equals(s.subject(), subject)) {
            return Optional.empty();
        }
        long now = clock.millis() / 1000;
        if (now - s.touched() > ttl.toSeconds() / 2) {
            s = s.touch(now);
            byte[] touched = encode(s);
            store.putValue(key, touched, ttl);
            remember(key, new Decoded(touched, s));
        }
        return Optional.of(s);
    }

    /** Forgets a session. */
    void delete(String id) {
        String key = key(id);
        decoded.remove(key);
        store.delete(key);
    }

    /** The session in {@code stored}: the one decoded before if the bytes are the same, else decoded now. */
    private Session decode(String key, byte[] stored) {
        Decoded d = decoded.get(key);
        if (d != null && Arrays.equals(d.stored, stored)) {
            return d.session;
        }
        Session s = decode(stored);
        if (s == null) {
            decoded.remove(key);
        } else {
            remember(key, new Decoded(stored, s));
        }
        return s;
    }

    private void remember(String key, Decoded d) {
        if (decoded.size() >= MAX_DECODED && !decoded.containsKey(key)) {
            Iterator<String> any = decoded.keySet().iterator();
            if (any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        decoded.put(key, d);
    }

    /** How many decoded sessions this node keeps (for tests). */
    int decodedCount() {
        return decoded.size();
    }

    private String key(String id) {
        MessageDigest sha;
        try {
            sha = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            sha = sha256();
        }
        return keyPrefix + HEX.formatHex(sha.digest(id.getBytes(StandardCharsets.US_ASCII)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static byte[] encode(Session s) {
        try {
            return JsonRpc.MAPPER.writeValueAsBytes(s);
        } catch (IOException e) {
            throw new IllegalStateException("a session always serialises", e);
        }
    }

    private static Session decode(byte[] bytes) {
        try {
            return JsonRpc.MAPPER.readValue(bytes, Session.class);
        } catch (IOException e) {
            return null; // written by an incompatible version: treated as unknown
        }
    }
}
