package dev.portcullis.guard;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.GuardAttributes;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Verdict;
import java.util.Locale;
import org.pf4j.Extension;

/**
 * Test policy {@code guard-test-flag-reader}: a later policy that acts on the prompt flag. With
 * {@code reject: true} it refuses a flagged request in its request phase (403 {@code flagged});
 * otherwise it reports the flag to the client as {@code X-Test-Prompt-Flag} on the response.
 */
@Extension
public final class FlagReaderPolicyFactory implements PolicyFactory<FlagReaderPolicyFactory.Config> {

    /** @param reject refuse flagged requests instead of reporting them */
    public record Config(Boolean reject) {}

    @Override
    public String type() {
        return "guard-test-flag-reader";
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
                if (Boolean.TRUE.equals(config.reject()) && exchange.attributes().has(GuardAttributes.PROMPT_FLAG)) {
                    return Verdict.reject(403, "flagged", "Flagged", "a prompt guard flagged this request");
                }
                return Verdict.proceed();
            }

            @Override
            public Verdict onResponse(Exchange exchange) {
                exchange.attributes().get(GuardAttributes.PROMPT_FLAG).ifPresent(f -> exchange.response().headers().set(
                        "X-Test-Prompt-Flag", String.format(Locale.ROOT, "%s;%.2f;%s;%s", f.policy(), f.score(), f.source(),
                                String.join(",", f.reasons()))));
                return Verdict.proceed();
            }
        };
    }
}
