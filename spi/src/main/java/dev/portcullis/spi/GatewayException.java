package dev.portcullis.spi;

/**
 * Thrown by backends and policies to end an exchange with a {@link Failure}, e.g. a 502 when the
 * upstream is unreachable. The kernel renders it in the route's protocol; no stack trace ever
 * reaches the client.
 */
public class GatewayException extends RuntimeException {

    private final Failure failure;

    /** Ends the exchange with {@code failure}. */
    public GatewayException(Failure failure) {
        this(failure, null);
    }

    /** Ends the exchange with {@code failure}, keeping {@code cause} for the log. */
    public GatewayException(Failure failure, Throwable cause) {
        super(failure.detail(), cause);
        this.failure = failure;
    }

    /** What the client is told. */
    public Failure failure() {
        return failure;
    }
}
