package dev.portcullis.spi.llm;

/**
 * Who wrote a message. System instructions are not a role here: they live in
 * {@link ChatRequest#system()}.
 */
public enum Role {
    /** The end user (or the application speaking for it). */
    USER,
    /** The model. */
    ASSISTANT,
    /** Results of tool calls, sent back to the model (one {@link ContentPart.ToolResult} per message). */
    TOOL
}
