package dev.portcullis.plugins.redis;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import io.lettuce.core.RedisURI;
import java.time.Duration;

/**
 * Config of a Redis state store:
 * {@code stores: { shared: { type: redis, uri: "redis://127.0.0.1:6379", keyPrefix: "portcullis:", timeout: 200ms } }}.
 *
 * @param uri       the Redis URI ({@code redis://[:password@]host:port[/db]}, {@code rediss://} for TLS);
 *                  default {@code redis://127.0.0.1:6379}. Use {@code ${ENV}} for a password.
 * @param keyPrefix prepended to every key, so several gateways can share one Redis (default {@code portcullis:})
 * @param timeout   how long an operation may take before it fails with
 *                  {@link dev.portcullis.spi.StoreUnavailableException} (default 200ms)
 * @param failMode  what callers should do when the store is unavailable, unless their own config says
 *                  otherwise: {@code open} admits (default), {@code closed} refuses. Informational:
 *                  the store itself always throws.
 */
public record RedisStoreConfig(String uri, String keyPrefix, Duration timeout, FailMode failMode) implements Validatable {

    /** What a caller should do when the store cannot answer. */
    public enum FailMode {
        /** Admit the request. */
        @JsonProperty("open") OPEN,
        /** Refuse the request. */
        @JsonProperty("closed") CLOSED
    }

    /** Fills defaults. */
    public RedisStoreConfig {
        uri = uri == null ? "redis://127.0.0.1:6379" : uri;
        keyPrefix = keyPrefix == null ? "portcullis:" : keyPrefix;
        timeout = timeout == null ? Duration.ofMillis(200) : timeout;
        failMode = failMode == null ? FailMode.OPEN : failMode;
    }

    @Override
    public void validate(ConfigErrors errors) {
        try {
            RedisURI.create(uri);
        } catch (RuntimeException e) {
            // The URI may hold a password: never echo it.
            errors.add("uri", "not a Redis URI (redis://host:port, rediss://host:port for TLS)");
        }
        if (timeout.isNegative() || timeout.toMillis() < 1) {
            errors.add("timeout", "must be at least 1ms");
        }
    }
}
