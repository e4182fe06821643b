package dev.portcullis.plugins.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer's JSON Web Key Set, fetched over HTTP and kept for {@code ttl}. A token whose
 * {@code kid} is unknown may cause one more fetch (key rotation), but never more often than
 * {@code refetchMinInterval}, so a flood of made-up key ids cannot hammer the issuer. When a fetch
 * fails the last good set stays in use.
 *
 * <p>Fetches run under a {@link ReentrantLock}, not {@code synchronized}: a virtual thread waiting
 * for the issuer must not pin its carrier.
 */
final class JwksSource {

    private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);
    private static final int MAX_BYTES = 1 << 20;

    private final URI uri;
    private final Duration ttl;
    private final Duration refetchMinInterval;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile KeyRing ring;          // null until a fetch succeeded
    private volatile Instant fetchedAt = Instant.MIN;
    private volatile Instant attemptedAt = Instant.MIN;

    JwksSource(URI uri, Duration ttl, Duration refetchMinInterval, Duration timeout, Clock clock) {
        this.uri = uri;
        this.ttl = ttl;
        this.refetchMinInterval = refetchMinInterval;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The current keys, fetched again when older than the TTL; null while no fetch has ever
     * succeeded.
     */
    KeyRing keys() {
        KeyRing current = ring;
        Instant now = clock.instant();
        if (current != null && now.isBefore(fetchedAt.plus(ttl))) {
            return current;
        }
        if (current == null) {
            lock.lock(); // nobody can verify anything yet: wait for the fetch in progress
        } else if (!lock.tryLock()) {
            return current; // someone is refreshing; the stale set is fine meanwhile
        }
        try {
            if (ring == current && !now.isBefore(attemptedAt.plus(refetchMinInterval))) {
                fetch(now);
            }
            return ring;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called when {@code seen} has no key for a token's {@code kid}: fetches again unless another
     * thread already did or the last fetch was less than {@code refetchMinInterval} ago. Returns the
     * keys to try again with (possibly the same).
     */
    KeyRing refetchForUnknownKid(KeyRing seen) {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (ring == seen && !now.isBefore(attemptedAt.plus(refetchMinInterval))) {
                fetch(now);
            }
            return ring;
        } finally {
            lock.unlock();
        }
    }

    /** Fetches once now; used at policy creation so the first request finds the keys ready. */
    void prefetch() {
        lock.lock();
        try {
            if (ring == null) {
                fetch(clock.instant());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the HTTP client's selector thread. */
    void close() {
        http.close();
    }

    private void fetch(Instant now) {
        attemptedAt = now;
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/jwk-set+json, application/json").GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new IOException("JWK set larger than " + MAX_BYTES + " bytes");
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            KeyRing fresh = KeyRing.of(parse(body));
            ring = fresh;
            fetchedAt = now;
            LOG.debug("fetched {} keys from {}", fresh.size(), uri);
        } catch (IOException | java.text.ParseException e) {
            LOG.warn("cannot fetch JWK set from {}: {}{}", uri, e.getMessage(),
                    ring == null ? "" : " (keeping the previous keys)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parses key by key so one key of an unknown type does not discard the whole set. */
    private static List<JWK> parse(String body) throws java.text.ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(body);
        List<Object> keys = JSONObjectUtils.getJSONArray(json, "keys");
        if (keys == null) {
            throw new java.text.ParseException("no \"keys\" array", 0);
        }
        List<JWK> out = new ArrayList<>(keys.size());
        for (Object o : keys) {
            if (o instanceof Map<?, ?> m) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> jwk = (Map<String, Object>) m;
                    out.add(JWK.parse(jwk).toPublicJWK());
                } catch (java.text.ParseException e) {
                    LOG.warn("skipping a key of a JWK set: {}", e.getMessage());
                }
            }
        }
        return out;
    }
}
