package dev.portcullis.guard;

import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** Creates {@code type: prompt-guard} policies. */
@Extension
public final class PromptGuardFactory implements PolicyFactory<PromptGuardConfig> {

    @Override
    public String type() {
        return "prompt-guard";
    }

    @Override
    public Class<PromptGuardConfig> configType() {
        return PromptGuardConfig.class;
    }

    @Override
    public Policy create(PromptGuardConfig config, PluginContext context) {
        return new PromptGuardPolicy(config, GuardDetector.create(config.detector(), context), context);
    }

    @Override
    public String description() {
        return "Prompt-injection guard for OpenAI and Anthropic chat requests: block, flag or log";
    }
}
