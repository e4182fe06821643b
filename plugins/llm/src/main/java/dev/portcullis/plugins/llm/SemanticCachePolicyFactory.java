package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Embedder;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import io.micrometer.core.instrument.DistributionSummary;
import org.pf4j.Extension;

/** Creates {@code semantic-cache} policies: exact match, then verified vector similarity of the last user prompt. */
@Extension
public final class SemanticCachePolicyFactory implements PolicyFactory<SemanticCacheConfig> {

    @Override
    public String type() {
        return "semantic-cache";
    }

    @Override
    public Class<SemanticCacheConfig> configType() {
        return SemanticCacheConfig.class;
    }

    @Override
    public String description() {
        return "Semantic LLM response cache: exact match, then embedding similarity with a verification step; per consumer by default";
    }

    @Override
    public Policy create(SemanticCacheConfig config, PluginContext context) {
        Embedder embedder = context.component(Embedder.class, config.embedder());
        CacheEntries entries = config.store() == null ? new LocalCacheEntries(config.ttl(), config.maxEntries())
                : new StoreCacheEntries(context.store(config.store()), embedder.model(), config.ttl(), config.maxEntries());
        DistributionSummary similarity = DistributionSummary.builder(SemanticCachePolicy.SIMILARITY_METER)
                .description("Similarity of the nearest stored prompt per semantic lookup")
                .serviceLevelObjectives(0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
                .register(context.meters());
        return new SemanticCachePolicy(config, new LlmPolicySupport(), embedder, entries,
                new CacheStats(type(), context.meters()), similarity);
    }
}
