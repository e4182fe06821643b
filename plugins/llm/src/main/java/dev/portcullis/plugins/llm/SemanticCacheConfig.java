package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.time.Duration;

/**
 * Config of the {@code semantic-cache} policy.
 *
 * @param embedder       the {@code Embedder} component that turns prompts into vectors (required)
 * @param threshold      cosine similarity at or above which a verified prompt reuses a stored answer (default 0.85)
 * @param verification   the verification step before a semantic hit: {@code standard} (default: entities,
 *                       numbers, negation, opposites, swapped words), {@code strict} (also any moved content word)
 *                       or {@code off} (similarity alone; to measure)
 * @param ttl            how long an answer is served (default 10m)
 * @param maxEntries     the most answers kept per node in memory (default 10000)
 * @param scope          {@code consumer} (default: never shared between consumers) or {@code global}
 * @param cacheSampled   also cache requests with an explicit temperature above 0 (default false)
 * @param maxPromptChars a last user message longer than this is matched exactly only (default 2000)
 * @param store          a state store name for shared mode (entries and vectors in e.g. Redis for several
 *                       nodes); absent = in memory on this node
 */
public record SemanticCacheConfig(
        @JsonPropertyDescription("Name of the Embedder component (e.g. an onnx-embedder) used for prompt vectors") String embedder,
        @JsonPropertyDescription("Cosine similarity at or above which a verified prompt reuses an answer (default 0.85)") Double threshold,
        @JsonPropertyDescription("standard (default), strict or off: veto semantic hits that differ in entities, numbers, negation, opposites or word order") Verification verification,
        @JsonPropertyDescription("How long an answer is served (default 10m)") Duration ttl,
        @JsonPropertyDescription("Most answers kept in memory per node (default 10000)") Long maxEntries,
        @JsonPropertyDescription("consumer (default; never shared across consumers) or global") LlmCacheConfig.Scope scope,
        @JsonPropertyDescription("Also cache requests with temperature > 0 (default false)") Boolean cacheSampled,
        @JsonPropertyDescription("Longer last user messages are matched exactly only (default 2000)") Integer maxPromptChars,
        @JsonPropertyDescription("State store for shared mode (entries and vectors shared by nodes); absent = in memory") String store)
        implements Validatable {

    /** How hard the verification step looks at a semantic match. */
    public enum Verification {
        /** Entities, numbers, negation, opposites, swapped and substituted-and-moved words. */
        @JsonProperty("standard") STANDARD,
        /** Standard, and any content word that moved: fewer false hits on reworded sentences, fewer hits. */
        @JsonProperty("strict") STRICT,
        /** Similarity alone. */
        @JsonProperty("off") OFF
    }

    /** Fills defaults. */
    public SemanticCacheConfig {
        threshold = threshold == null ? 0.85 : threshold;
        verification = verification == null ? Verification.STANDARD : verification;
        ttl = ttl == null ? Duration.ofMinutes(10) : ttl;
        maxEntries = maxEntries == null ? 10_000L : maxEntries;
        scope = scope == null ? LlmCacheConfig.Scope.CONSUMER : scope;
        cacheSampled = cacheSampled != null && cacheSampled;
        maxPromptChars = maxPromptChars == null ? 2000 : maxPromptChars;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (embedder == null || embedder.isBlank()) {
            errors.add("embedder", "required: the name of an Embedder component (e.g. components: { minilm: { type: onnx-embedder } })");
        }
        if (threshold <= 0 || threshold > 1) {
            errors.add("threshold", "must be in (0, 1]");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            errors.add("ttl", "must be positive");
        }
        if (maxEntries <= 0) {
            errors.add("maxEntries", "must be positive");
        }
        if (maxPromptChars < 1) {
            errors.add("maxPromptChars", "must be positive");
        }
        if (store != null && store.isBlank()) {
            errors.add("store", "must not be blank");
        }
    }
}
