package dev.portcullis.spi.llm;

/**
 * How the model may use the tools.
 *
 * @param mode what is allowed
 * @param name the tool to call when {@code mode} is {@link Mode#TOOL}, else null
 */
public record ToolChoice(Mode mode, String name) {

    /** Tool use modes. */
    public enum Mode {
        /** The model decides (the providers' default). */
        AUTO,
        /** No tool calls. */
        NONE,
        /** At least one tool call (OpenAI {@code required}, Anthropic {@code any}). */
        REQUIRED,
        /** Exactly the named tool. */
        TOOL
    }

    /** The model decides. */
    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
}
