package dev.portcullis.plugins.redis;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.StateStore;
import org.pf4j.Extension;

/** Creates {@code type: redis} state stores, shared by every gateway node that points at the same Redis. */
@Extension
public final class RedisStoreFactory implements ComponentFactory<RedisStoreConfig, StateStore> {

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public Class<RedisStoreConfig> configType() {
        return RedisStoreConfig.class;
    }

    @Override
    public Class<StateStore> componentType() {
        return StateStore.class;
    }

    @Override
    public StateStore create(RedisStoreConfig config, PluginContext context) {
        return new RedisStateStore(config, context.meters());
    }

    @Override
    public String description() {
        return "Redis-backed counters, rate limiters and values shared by gateway nodes";
    }
}
