package dev.portcullis.spi;

import java.io.IOException;

/**
 * The terminal step of a route: produces the response, usually by calling an upstream.
 * One instance serves all requests of its route concurrently.
 */
public interface Backend extends AutoCloseable {

    /**
     * Produces the response. Streamed bodies must stay streamed: return them as
     * {@link Body#of(java.io.InputStream, long)} or {@link Body#ofEvents(EventSource)}; the kernel
     * closes them when the client is done or gone.
     *
     * @throws GatewayException to answer with a specific failure (502, 504, ...)
     * @throws IOException      for upstream I/O errors (answered 502)
     */
    Response handle(Exchange exchange) throws IOException;

    /**
     * Renders a failure in this backend's protocol. Returns {@code null} (the default) for the
     * kernel's {@code application/problem+json}.
     */
    default Response renderFailure(Exchange exchange, Failure failure) {
        return null;
    }

    /** Releases connections and threads when the config that created this backend is retired. */
    @Override
    default void close() {}
}
