package dev.portcullis.demo;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import org.pf4j.Extension;

/** Starts the demo CRM API when a config declares a component of type {@code demo-crm}. */
@Extension
public final class DemoCrmFactory implements ComponentFactory<DemoCrmConfig, DemoCrm> {

    @Override
    public String type() {
        return "demo-crm";
    }

    @Override
    public Class<DemoCrmConfig> configType() {
        return DemoCrmConfig.class;
    }

    @Override
    public Class<DemoCrm> componentType() {
        return DemoCrm.class;
    }

    @Override
    public DemoCrm create(DemoCrmConfig config, PluginContext context) {
        return new DemoCrm(config);
    }

    @Override
    public String description() {
        return "demo only: a CRM REST API on loopback with made-up customer records (GET /customers/{id})";
    }
}
