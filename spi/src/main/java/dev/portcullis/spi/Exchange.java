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

    /** Runs {@code action} once the response is finished or abandoned (for accounting). */
    void onComplete(Runnable action);
}
