package dev.portcullis.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

/**
 * The gateway's own HTTP/1.1 client, for plugins that call upstreams (the {@code llm} backend
 * calls its providers with it, the {@code mcp} backend its MCP servers). Get one from
 * {@link PluginContext#upstreamHttp}.
 *
 * <p><b>Threading.</b> {@link #send} blocks the calling thread until the response head has
 * arrived, and reading {@link Reply#body()} blocks until bytes come: it is made for the virtual
 * thread that serves the exchange (no selector, no callbacks, no thread hand-offs). One client
 * is safe for any number of threads at once; one {@link Reply} is for one thread at a time.
 *
 * <p><b>Pooling.</b> Connections are kept alive and reused per origin (scheme, host, port). A
 * reply whose body was read to its end and then closed returns its connection to the pool; a
 * reply closed earlier closes its connection, which is how a call is cancelled (the upstream
 * sees the close and stops working for nobody). A pooled connection that turns out dead before
 * any response byte arrives is replaced once by a fresh one when the body is replayable (empty
 * or {@link Body#of(byte[]) buffered}).
 *
 * <p><b>Failures.</b> A timeout (connect, response head, or silence in the body) throws
 * {@link java.net.SocketTimeoutException}; every other failure (refused, reset, TLS, a malformed
 * response) throws another {@link IOException} whose message says what happened in plain words.
 *
 * <p><b>Interrupts.</b> Interrupting a virtual thread blocked in {@link #send} or in a body read
 * closes its connection and the call throws an {@link IOException} (never a timeout); a platform
 * thread's blocking socket read does not notice interrupts. This is what
 * {@link Exchange#watchClient()} does when the client hangs up: check
 * {@link Exchange#isCancelled()} to tell that from an upstream failure.
 *
 * <p><b>Closing.</b> Whoever gets the client closes it, typically in the {@code close()} of the
 * backend, policy or component that made it, which the gateway calls when the config that built
 * it retires. Closing drops the idle pooled connections; replies still being read (a stream
 * served by a retired config) run to their end.
 */
public interface UpstreamHttp extends AutoCloseable {

    /**
     * Sends one request and returns once the response head has arrived; the body is still on the
     * wire. Close the returned reply on every path.
     *
     * @param method  upper-case method, e.g. {@code POST}
     * @param uri     an absolute {@code http} or {@code https} URI; https verifies the server
     *                against the JDK's default trust store and its host name
     * @param headers request headers, sent as given; {@code Host} defaults to the URI's authority,
     *                and {@code Content-Length} / {@code Transfer-Encoding} are ignored (the
     *                client frames the body itself)
     * @param body    the request body, {@link Body#empty()} for none; a streamed body is read
     *                once (and so not replayed on a fresh connection)
     * @throws java.net.SocketTimeoutException when the connection or the response head takes
     *                longer than the {@linkplain Options timeouts}
     * @throws IOException for any other failure (see the class comment)
     */
    Reply send(String method, URI uri, Headers headers, Body body) throws IOException;

    /** Closes the idle pooled connections; replies in flight finish on their own connections. */
    @Override
    void close();

    /**
     * A response whose body is still on the wire.
     */
    interface Reply extends Closeable {

        /** The status code. */
        int status();

        /** End-to-end response headers (hop-by-hop and framing headers other than Content-Length removed). */
        Headers headers();

        /**
         * The body, read straight from the connection: each read returns what arrives, so
         * server-sent events flow as they come. A silence longer than the idle timeout throws
         * {@link java.net.SocketTimeoutException}.
         */
        InputStream body();

        /** The body length in bytes, or -1 when it is chunked or ends with the connection. */
        long contentLength();

        /**
         * Closes the body: after its end, the connection goes back to the pool; before it, the
         * connection is closed. Idempotent.
         */
        @Override
        void close();
    }

    /**
     * Settings of a client; {@code null} takes the default.
     *
     * @param connectTimeout     TCP connect plus TLS handshake (default 2s)
     * @param responseTimeout    from the request sent to the response head (default 30s)
     * @param idleTimeout        longest silence between body bytes (default 60s)
     * @param maxIdlePerOrigin   idle keep-alive connections kept per origin (default 64; 0: no reuse)
     */
    record Options(Duration connectTimeout, Duration responseTimeout, Duration idleTimeout, Integer maxIdlePerOrigin) {

        /** Fills defaults and refuses negative values. */
        public Options {
            connectTimeout = positive(connectTimeout, Duration.ofSeconds(2), "connectTimeout");
            responseTimeout = positive(responseTimeout, Duration.ofSeconds(30), "responseTimeout");
            idleTimeout = positive(idleTimeout, Duration.ofSeconds(60), "idleTimeout");
            maxIdlePerOrigin = maxIdlePerOrigin == null ? 64 : maxIdlePerOrigin;
            if (maxIdlePerOrigin < 0) {
                throw new IllegalArgumentException("maxIdlePerOrigin must not be negative");
            }
        }

        /** All defaults. */
        public static Options defaults() {
            return new Options(null, null, null, null);
        }

        private static Duration positive(Duration d, Duration fallback, String name) {
            if (d == null) {
                return fallback;
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
