package dev.portcullis.plugins.llm;

import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import org.pf4j.Extension;

/** Creates {@code llm-cache} policies: an exact-match, in-memory response cache for chat calls. */
@Extension
public final class LlmCachePolicyFactory implements PolicyFactory<LlmCacheConfig> {

    @Override
    public String type() {
        return "llm-cache";
    }

    @Override
    public Class<LlmCacheConfig> configType() {
        return LlmCacheConfig.class;
    }

    @Override
    public String description() {
        return "Exact-match LLM response cache (per consumer or global), replayed in the client's format, streams as streams";
    }

    @Override
    public Policy create(LlmCacheConfig config, PluginContext context) {
        return new LlmCachePolicy(config, new LlmPolicySupport(), new CacheStats(type(), context.meters()));
    }
}
