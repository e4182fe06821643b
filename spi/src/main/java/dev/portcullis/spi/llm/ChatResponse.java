package dev.portcullis.spi.llm;

import java.util.List;

/**
 * A complete (non-streamed) answer in canonical form.
 *
 * @param id         the provider's response id
 * @param model      the model that answered, as the provider names it
 * @param content    text and {@link ContentPart.ToolCall} parts, in order
 * @param stopReason why the model stopped; null if the provider did not say
 * @param usage      token usage ({@link Usage#NONE} if the provider did not say)
 */
public record ChatResponse(String id, String model, List<ContentPart> content, StopReason stopReason, Usage usage) {

    /** Defensive copy; null usage becomes {@link Usage#NONE}. */
    public ChatResponse {
        content = List.copyOf(content);
        usage = usage == null ? Usage.NONE : usage;
    }
}
