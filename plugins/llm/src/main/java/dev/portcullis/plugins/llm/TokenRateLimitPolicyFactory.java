package dev.portcullis.plugins.llm;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** Creates {@code token-rate-limit} policies: tokens per minute, hour or day on LLM routes. */
@Extension
public final class TokenRateLimitPolicyFactory implements PolicyFactory<TokenRateLimitConfig> {

    @Override
    public String type() {
        return "token-rate-limit";
    }

    @Override
    public Class<TokenRateLimitConfig> configType() {
        return TokenRateLimitConfig.class;
    }

    @Override
    public String description() {
        return "LLM token rate limit per consumer, route or model: reserves the estimate at admission, settles with actual usage";
    }

    @Override
    public Policy create(TokenRateLimitConfig config, PluginContext context) {
        return new TokenRateLimitPolicy(config, context.store(config.store()), TokenEstimator.shared(), new LlmPolicySupport(), context.audit());
    }
}
