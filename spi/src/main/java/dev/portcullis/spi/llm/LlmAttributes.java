package dev.portcullis.spi.llm;

import dev.portcullis.spi.AttributeKey;

/**
 * Exchange attributes the {@code llm} backend publishes, for token limits, budgets, caches and
 * audit policies. Request-phase policies run before the backend reads the body, so they see
 * these only in the response phase and in {@code onComplete} callbacks.
 */
public final class LlmAttributes {

    /** The canonical request, with the model as the client named it (the public alias). */
    public static final AttributeKey<ChatRequest> REQUEST = AttributeKey.of("llm.request", ChatRequest.class);

    /**
     * The estimated input tokens of the request, counted before it is sent (when the backend's
     * {@code estimateTokens} is on).
     */
    public static final AttributeKey<Long> ESTIMATED_INPUT_TOKENS = AttributeKey.of("llm.estimated-input-tokens", Long.class);

    /** The provider that served (its configured name). */
    public static final AttributeKey<String> PROVIDER = AttributeKey.of("llm.provider", String.class);

    /** Actual usage, once known: at the response for complete answers, at the end for streams. */
    public static final AttributeKey<Usage> USAGE = AttributeKey.of("llm.usage", Usage.class);

    private LlmAttributes() {}
}
