package dev.portcullis.spi.llm;

/**
 * One event of a streamed answer in canonical form. A well-formed stream is
 * {@link MessageStart}, any number of deltas, {@link Finish}, optionally {@link UsageUpdate}, and
 * {@link MessageEnd}; or it ends early with an {@link Error}.
 */
public sealed interface ChatStreamEvent {

    /**
     * The answer begins.
     *
     * @param id    the provider's response id
     * @param model the model that answers, as the provider names it
     */
    record MessageStart(String id, String model) implements ChatStreamEvent {}

    /**
     * More text.
     *
     * @param text the new text
     */
    record TextDelta(String text) implements ChatStreamEvent {}

    /**
     * A tool call begins.
     *
     * @param index the call's position among this answer's tool calls, from 0
     * @param id    the call id
     * @param name  the tool's name
     */
    record ToolCallStart(int index, String id, String name) implements ChatStreamEvent {}

    /**
     * More argument text of a started tool call (a fragment of JSON).
     *
     * @param index     the call's position, as in {@link ToolCallStart}
     * @param arguments the new fragment
     */
    record ToolCallDelta(int index, String arguments) implements ChatStreamEvent {}

    /**
     * The model stopped generating.
     *
     * @param reason why
     */
    record Finish(StopReason reason) implements ChatStreamEvent {}

    /**
     * Usage so far; the last one of a stream is its total.
     *
     * @param usage token counts
     */
    record UsageUpdate(Usage usage) implements ChatStreamEvent {}

    /** The stream is complete. */
    record MessageEnd() implements ChatStreamEvent {}

    /**
     * The stream failed; nothing follows.
     *
     * @param error what went wrong
     */
    record Error(ChatError error) implements ChatStreamEvent {}
}
