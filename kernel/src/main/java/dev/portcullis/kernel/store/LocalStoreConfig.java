package dev.portcullis.kernel.store;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Config of the in-memory state store, {@code stores: { default: { type: local, maxKeys: 100000 } }}.
 *
 * @param maxKeys how many keys (counters, buckets, windows, values) are kept at most; beyond it
 *                the least useful keys are evicted, which resets their limits (default 100000)
 */
public record LocalStoreConfig(Integer maxKeys) implements Validatable {

    /** The default bound on keys. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    /** Fills defaults. */
    public LocalStoreConfig {
        maxKeys = maxKeys == null ? DEFAULT_MAX_KEYS : maxKeys;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (maxKeys <= 0) {
            errors.add("maxKeys", "must be positive");
        }
    }
}
