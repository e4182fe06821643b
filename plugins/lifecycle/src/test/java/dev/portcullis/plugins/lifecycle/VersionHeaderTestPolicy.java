package dev.portcullis.plugins.lifecycle;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/**
 * Test-only policy {@code test-version-attribute}: copies the {@code api.version} attribute into a
 * request header, so end-to-end tests see at the upstream what a later policy would read.
 */
@Extension
public final class VersionHeaderTestPolicy implements PolicyFactory<VersionHeaderTestPolicy.Config> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "test-version-attribute";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Policy create(Config config, PluginContext context) {
        return new Policy() {
            @Override
            public Verdict onRequest(Exchange exchange) {
                exchange.attributes().get(ApiVersion.ATTRIBUTE)
                        .ifPresent(v -> exchange.request().headers().set("X-Api-Version-Attribute", v));
                return Verdict.proceed();
            }
        };
    }
}
