package dev.portcullis.spi;

import java.io.IOException;

/**
 * A policy's view of a server-sent-event response, one event at a time. Hooks run in reverse
 * policy order, like the response phase; each hook's sink feeds the next.
 */
public interface StreamHook {

    /** Called for every upstream event; call {@code downstream.emit(event)} to pass it on. */
    void onEvent(SseEvent event, EventSink downstream) throws IOException;

    /** Called once when the upstream stream ends normally; may emit trailing events. */
    default void onEnd(EventSink downstream) throws IOException {}
}
