package dev.portcullis.spi.llm;

/** Why the model stopped. Wire names: OpenAI {@code finish_reason} / Anthropic {@code stop_reason}. */
public enum StopReason {
    /** A natural end: OpenAI {@code stop}, Anthropic {@code end_turn} (and {@code pause_turn}). */
    END_TURN,
    /** The output limit: OpenAI {@code length}, Anthropic {@code max_tokens}. */
    MAX_TOKENS,
    /** The model called tools: OpenAI {@code tool_calls}, Anthropic {@code tool_use}. */
    TOOL_USE,
    /** A client stop sequence matched: OpenAI {@code stop}, Anthropic {@code stop_sequence}. */
    STOP_SEQUENCE,
    /** Output was withheld: OpenAI {@code content_filter}, Anthropic {@code refusal}. */
    CONTENT_FILTER
}
