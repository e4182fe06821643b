package dev.portcullis.plugins.llm;

import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatStreamEvent;
import java.util.List;

/** Writes canonical stream events in one client wire format; one instance per stream. */
interface StreamEncoder {

    /** Appends the client events for {@code event} to {@code out} (zero or more). */
    void encode(ChatStreamEvent event, List<SseEvent> out);
}
