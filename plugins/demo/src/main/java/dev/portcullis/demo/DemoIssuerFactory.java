package dev.portcullis.demo;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import org.pf4j.Extension;

/** Starts the demo token issuer when a config declares a component of type {@code demo-issuer}. */
@Extension
public final class DemoIssuerFactory implements ComponentFactory<DemoIssuerConfig, DemoIssuer> {

    @Override
    public String type() {
        return "demo-issuer";
    }

    @Override
    public Class<DemoIssuerConfig> configType() {
        return DemoIssuerConfig.class;
    }

    @Override
    public Class<DemoIssuer> componentType() {
        return DemoIssuer.class;
    }

    @Override
    public DemoIssuer create(DemoIssuerConfig config, PluginContext context) {
        return new DemoIssuer(config);
    }

    @Override
    public String description() {
        return "demo only: an OAuth client-credentials token issuer on loopback (JWKS, /token), key generated at start";
    }
}
