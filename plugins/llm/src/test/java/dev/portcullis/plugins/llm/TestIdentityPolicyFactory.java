package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * Test-only authentication: the consumer named by {@code X-Test-Consumer} (label {@code team}
 * from {@code X-Test-Team}), standing in for the auth plugin's API keys.
 */
@Extension
public final class TestIdentityPolicyFactory implements PolicyFactory<TestIdentityPolicyFactory.Config> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "llm-test-identity";
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
                String consumer = exchange.request().headers().get("X-Test-Consumer");
                if (consumer != null) {
                    String team = exchange.request().headers().get("X-Test-Team");
                    exchange.identity(new Identity(consumer, "portcullis", "api-key", Set.of(), Map.of(), consumer,
                            team == null ? Map.of() : Map.of("team", team)));
                }
                return Verdict.proceed();
            }
        };
    }
}
