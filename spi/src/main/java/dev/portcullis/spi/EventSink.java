package dev.portcullis.spi;

import java.io.IOException;

/** Where a {@link StreamHook} sends the events that continue downstream. */
public interface EventSink {

    /** Passes {@code event} on towards the client. */
    void emit(SseEvent event) throws IOException;

    /**
     * Ends the stream after what was emitted so far: the kernel stops reading upstream, closes it,
     * and finishes the response (for example when a token limit is reached mid-stream).
     */
    void end();
}
