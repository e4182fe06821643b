package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import org.pf4j.Extension;

/** Test-only policy: rejects with 429 and Retry-After when the request has {@code X-Test-Reject}. */
@Extension
public final class TestRejectPolicyFactory implements PolicyFactory<TestRejectPolicyFactory.Config> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "llm-test-reject";
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
                if (exchange.request().headers().contains("X-Test-Reject")) {
                    return Verdict.reject(Failure.of(429, "rate-limited", "Too many requests", "rate limit of 1 per minute exceeded")
                            .withHeader("Retry-After", "7"));
                }
                return Verdict.proceed();
            }
        };
    }
}
