package dev.portcullis.demo;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import java.io.IOException;
import org.pf4j.Extension;

/** Starts the demo API when a config declares {@code components: { demo: { type: demo-upstream } }}. */
@Extension
public final class DemoUpstreamFactory implements ComponentFactory<DemoUpstreamConfig, DemoUpstream> {

    @Override
    public String type() {
        return "demo-upstream";
    }

    @Override
    public Class<DemoUpstreamConfig> configType() {
        return DemoUpstreamConfig.class;
    }

    @Override
    public Class<DemoUpstream> componentType() {
        return DemoUpstream.class;
    }

    @Override
    public DemoUpstream create(DemoUpstreamConfig config, PluginContext context) {
        try {
            return new DemoUpstream(config);
        } catch (IOException e) {
            throw new ConfigException("port", "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
        }
    }

    @Override
    public String description() {
        return "a small demo HTTP API on loopback (hello, echo, events, status, slow)";
    }
}
