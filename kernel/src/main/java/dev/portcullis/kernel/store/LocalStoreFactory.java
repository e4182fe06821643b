package dev.portcullis.kernel.store;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.StateStore;
import org.pf4j.Extension;

/** Creates {@code type: local} state stores: in-memory, per gateway node. */
@Extension
public final class LocalStoreFactory implements ComponentFactory<LocalStoreConfig, StateStore> {

    @Override
    public String type() {
        return "local";
    }

    @Override
    public Class<LocalStoreConfig> configType() {
        return LocalStoreConfig.class;
    }

    @Override
    public Class<StateStore> componentType() {
        return StateStore.class;
    }

    @Override
    public StateStore create(LocalStoreConfig config, PluginContext context) {
        return new LocalStateStore(config.maxKeys());
    }

    @Override
    public String description() {
        return "In-memory counters, rate limiters and values, local to this gateway node";
    }
}
