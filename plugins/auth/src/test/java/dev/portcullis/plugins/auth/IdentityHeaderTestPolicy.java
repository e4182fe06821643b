package dev.portcullis.plugins.auth;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/**
 * Test-only policy {@code test-identity-header}: copies the established identity into request
 * headers, so end-to-end tests can see at the upstream what the auth policies decided.
 */
@Extension
public final class IdentityHeaderTestPolicy implements PolicyFactory<IdentityHeaderTestPolicy.Config> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "test-identity-header";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Policy create(Config config, PluginContext context) {
        return new Policy() {
            @Override
            public Verdict onRequest(dev.portcullis.spi.Exchange exchange) {
                exchange.identity().ifPresent(id -> exchange.request().headers()
                        .set("X-Auth-Subject", id.subject())
                        .set("X-Auth-Method", id.method())
                        .set("X-Auth-Consumer", String.valueOf(id.consumer()))
                        .set("X-Auth-Scopes", String.join(" ", new java.util.TreeSet<>(id.scopes()))));
                return Verdict.proceed();
            }
        };
    }
}
