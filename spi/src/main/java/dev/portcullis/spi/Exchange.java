package dev.portcullis.spi;

import java.time.Clock;
import java.util.Optional;

/**
 * One request/response pair travelling through a route: what policies and backends see.
 * Handled by one virtual thread at a time; not for sharing across threads.
 */
public interface Exchange {

    /** The request id: the client's {@code X-Request-Id} if it sent a sane one, else generated. */
    String requestId();

    /**
     * The correlation id that threads one agent's work across layers (LLM call, tool call, API
     * call): the client's {@code X-Correlation-Id} if it sent a sane one, else the request id.
     * Backends pass it upstream in {@code X-Correlation-Id}; audit events carry it.
     */
    default String correlationId() {
        return requestId();
    }

    /** The request's span (the server span of this exchange); {@link TraceSpan#NOOP} when tracing is off. */
    default TraceSpan span() {
        return TraceSpan.NOOP;
    }

    /**
     * Starts a child span of the request's span for work this exchange does upstream (a provider
     * call, a tool call); the caller closes it. The correlation id is set on it.
     */
    default TraceSpan startSpan(String name) {
        return TraceSpan.NOOP;
    }

    /** The client's request. */
    Request request();

    /** The response once a backend or policy produced one; {@code null} in the request phase. */
    Response response();

    /** The matched route. */
    RouteInfo route();

    /** The caller's identity once an authentication policy established it. */
    Optional<Identity> identity();

    /**
     * Establishes the caller's identity.
     *
     * @throws IllegalStateException if an identity was already set
     */
    void identity(Identity identity);

    /** Typed, write-once facts about this exchange. */
    Attributes attributes();

    /** The gateway's clock (tests may substitute it). */
    Clock clock();

    /** Whether the client went away or the gateway is abandoning this exchange. */
    boolean isCancelled();

    /**
     * Watches the client while the calling thread waits for an upstream: if the client closes its
     * connection before the returned watch is closed, this exchange becomes
     * {@linkplain #isCancelled() cancelled} and the calling thread is interrupted, which aborts a
     * blocking upstream call ({@link UpstreamHttp} closes the connection of an interrupted
     * {@code send} or body read; the JDK {@code HttpClient} cancels them too). Without
     * it the gateway learns that a client left only when it writes the response, after the
     * upstream has done (and charged for) all of its work. The kernel starts watching once the
     * call has waited 100 ms, so that quick calls pay nothing for it.
     *
     * <p>Call it only once the request body has been read to its end (watching reads from the
     * connection), and keep the guarded section to the upstream call itself: an interrupt in a
     * store call or a log write would be unwelcome. Returns {@link ClientWatch#NONE} where the
     * gateway cannot watch the connection.
     */
    default ClientWatch watchClient() {
        return ClientWatch.NONE;
    }

    /** Runs {@code action} once the response is finished or abandoned (for accounting). */
    void onComplete(Runnable action);
}
