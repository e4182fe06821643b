package dev.portcullis.spi;

import java.io.IOException;

/** A pull-based stream of server-sent events, produced by a backend and read by the kernel. */
public interface EventSource extends AutoCloseable {

    /** The next event, blocking until one arrives; {@code null} at the end of the stream. */
    SseEvent next() throws IOException;

    /** Releases the upstream connection; called once, also when the client went away. */
    @Override
    void close();
}
