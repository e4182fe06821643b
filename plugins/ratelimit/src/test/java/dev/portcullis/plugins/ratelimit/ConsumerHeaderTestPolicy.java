package dev.portcullis.plugins.ratelimit;

import dev.portcullis.spi.Identity;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/**
 * {@code type: test-consumer-header}: stands in for an auth policy in gateway tests by taking the
 * consumer name from {@code X-Test-Consumer}. Test class path only.
 */
@Extension
public final class ConsumerHeaderTestPolicy implements PolicyFactory<ConsumerHeaderTestPolicy.Config> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "test-consumer-header";
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
                String name = exchange.request().headers().get("X-Test-Consumer");
                if (name != null) {
                    exchange.identity(new Identity(name, "test", "test", null, null, name, null));
                }
                return Verdict.proceed();
            }
        };
    }
}
