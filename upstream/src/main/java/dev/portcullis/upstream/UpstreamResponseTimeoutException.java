package dev.portcullis.upstream;

/** The request was sent but the response head did not arrive within the response timeout. */
public final class UpstreamResponseTimeoutException extends UpstreamException {

    /** {@code origin} did not answer in time. */
    public UpstreamResponseTimeoutException(Origin origin, String message, Throwable cause) {
        super(origin, message, cause);
    }
}
