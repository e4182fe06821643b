package dev.portcullis.spi.llm;

/**
 * Token usage of one call, normalised across providers.
 *
 * <p>{@code inputTokens} counts every prompt token, cached or not (OpenAI {@code prompt_tokens};
 * Anthropic {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}).
 * {@code outputTokens} counts every generated token including reasoning (OpenAI
 * {@code completion_tokens}; Anthropic {@code output_tokens}). The cached and reasoning counts
 * are parts of those totals, never additions to them.
 *
 * @param inputTokens       all prompt tokens
 * @param outputTokens      all generated tokens
 * @param cachedInputTokens prompt tokens served from the provider's prompt cache
 * @param reasoningTokens   generated tokens spent on hidden reasoning
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {

    /** No usage known. */
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    /** Input plus output. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
