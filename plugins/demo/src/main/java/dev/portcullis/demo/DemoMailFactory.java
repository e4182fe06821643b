package dev.portcullis.demo;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import org.pf4j.Extension;

/** Starts the demo mail API when a config declares a component of type {@code demo-mail}. */
@Extension
public final class DemoMailFactory implements ComponentFactory<DemoMailConfig, DemoMail> {

    @Override
    public String type() {
        return "demo-mail";
    }

    @Override
    public Class<DemoMailConfig> configType() {
        return DemoMailConfig.class;
    }

    @Override
    public Class<DemoMail> componentType() {
        return DemoMail.class;
    }

    @Override
    public DemoMail create(DemoMailConfig config, PluginContext context) {
        return new DemoMail(config);
    }

    @Override
    public String description() {
        return "demo only: a mail REST API on loopback that records what it is asked to send (POST /send, GET /outbox)";
    }
}
