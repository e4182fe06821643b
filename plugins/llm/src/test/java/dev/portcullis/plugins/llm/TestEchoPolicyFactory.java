package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.llm.LlmAttributes;
import org.pf4j.Extension;

/** Test-only policy: copies the llm backend's exchange attributes into response headers. */
@Extension
public final class TestEchoPolicyFactory implements PolicyFactory<TestEchoPolicyFactory.Config> {

    /** No settings. */
    public record Config() {}

    @Override
    public String type() {
        return "llm-test-echo";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Policy create(Config config, PluginContext context) {
        return new Policy() {
            @Override
            public Verdict onResponse(Exchange ex) {
                var h = ex.response().headers();
                var a = ex.attributes();
                a.get(LlmAttributes.ESTIMATED_INPUT_TOKENS).ifPresent(n -> h.set("X-Test-Estimate", n.toString()));
                a.get(LlmAttributes.REQUEST).ifPresent(r -> h.set("X-Test-Model", r.model()));
                a.get(LlmAttributes.PROVIDER).ifPresent(p -> h.set("X-Test-Provider", p));
                a.get(LlmAttributes.USAGE).ifPresent(u -> h.set("X-Test-Usage", u.inputTokens() + "/" + u.outputTokens()));
                return Verdict.proceed();
            }
        };
    }
}
