package dev.portcullis.upstream;

/** No connection could be made: refused, unknown host, no route. The request was not sent. */
public final class UpstreamConnectException extends UpstreamException {

    /** Connecting to {@code origin} failed with {@code message}. */
    public UpstreamConnectException(Origin origin, String message, Throwable cause) {
        super(origin, message, cause);
    }
}
