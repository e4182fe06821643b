package dev.portcullis.spi.llm;

/** One piece of a message's content. */
public sealed interface ContentPart {

    /**
     * Plain text.
     *
     * @param text the text
     */
    record Text(String text) implements ContentPart {}

    /**
     * An image by URL; {@code url} may be a {@code data:} URL holding the bytes.
     *
     * @param url    an {@code https:} or {@code data:<media-type>;base64,...} URL
     * @param detail OpenAI's detail hint ({@code low}, {@code high}, {@code auto}) or null
     */
    record Image(String url, String detail) implements ContentPart {}

    /**
     * The model asks for a tool to be called (assistant messages only).
     *
     * @param id        the provider's call id, echoed by the matching {@link ToolResult}
     * @param name      the tool's name
     * @param arguments the arguments as JSON object text ({@code "{}"} when none)
     */
    record ToolCall(String id, String name, String arguments) implements ContentPart {}

    /**
     * The result of a tool call (tool messages only).
     *
     * @param toolCallId the {@link ToolCall#id()} answered
     * @param content    the result as text
     * @param isError    whether the tool failed
     */
    record ToolResult(String toolCallId, String content, boolean isError) implements ContentPart {}
}
