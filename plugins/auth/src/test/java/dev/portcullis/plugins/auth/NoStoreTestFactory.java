package dev.portcullis.plugins.auth;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.RateDecision;
import dev.portcullis.spi.StateStore;
import java.time.Duration;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Test-only store type {@code test-no-store}: the gateway needs a default store, and the kernel's
 * local store is not on main yet. The auth policies never use a store.
 */
@Extension
public final class NoStoreTestFactory implements ComponentFactory<NoStoreTestFactory.Config, StateStore> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "test-no-store";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Class<StateStore> componentType() {
        return StateStore.class;
    }

    @Override
    public StateStore create(Config config, PluginContext context) {
        return new StateStore() {
            @Override
            public long add(String key, long delta, Duration ttl) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long get(String key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public RateDecision tokenBucket(String key, long capacity, double refillPerSecond, long cost) {
                throw new UnsupportedOperationException();
            }

            @Override
            public RateDecision slidingWindow(String key, long limit, Duration window, long cost) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<byte[]> getValue(String key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void putValue(String key, byte[] value, Duration ttl) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean putValueIfAbsent(String key, byte[] value, Duration ttl) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void delete(String key) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
