package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Client sessions in a {@link StateStore}. The id given to the client is 256 random bits; the
 * store key is its SHA-256, so reading the store does not reveal usable session ids. Expiry slides:
 * a session used after half its TTL is written back with a fresh TTL.
 */
final class Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final StateStore store;
    private final String keyPrefix;
    private final Duration ttl;

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
        store.putValue(key(id), encode(session), ttl);
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
            return Optional.empty();
        }
        Session s = decode(bytes.get());
        if (s == null || !Objects.equals(s.subject(), subject)) {
            return Optional.empty();
        }
        long now = clock.millis() / 1000;
        if (now - s.touched() > ttl.toSeconds() / 2) {
            s = s.touch(now);
            store.putValue(key, encode(s), ttl);
        }
        return Optional.of(s);
    }

    /** Forgets a session. */
    void delete(String id) {
        store.delete(key(id));
    }

    private String key(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII));
            return keyPrefix + HexFormat.of().formatHex(digest);
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
