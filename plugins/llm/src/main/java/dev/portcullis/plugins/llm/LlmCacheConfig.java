package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.time.Duration;

/**
 * Config of the {@code llm-cache} policy.
 *
 * @param ttl        how long an answer is served from the cache (default 10m)
 * @param maxEntries the most answers kept (default 10000; least recently used go first)
 * @param scope      {@code consumer} (default): each consumer has its own entries;
 *                   {@code global}: every caller shares them
 */
public record LlmCacheConfig(Duration ttl, Long maxEntries, Scope scope) implements Validatable {

    /** Who shares cache entries. */
    public enum Scope {
        /** Each consumer on its own. */
        @JsonProperty("consumer") CONSUMER,
        /** Everyone. */
        @JsonProperty("global") GLOBAL
    }

    /** Fills defaults. */
    public LlmCacheConfig {
        ttl = ttl == null ? Duration.ofMinutes(10) : ttl;
        maxEntries = maxEntries == null ? 10_000L : maxEntries;
        scope = scope == null ? Scope.CONSUMER : scope;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (ttl.isNegative() || ttl.isZero()) {
            errors.add("ttl", "must be positive");
        }
        if (maxEntries <= 0) {
            errors.add("maxEntries", "must be positive");
        }
    }
}
