package dev.portcullis.upstream;

/** The TCP connect (or TLS handshake) took longer than the connect timeout. The request was not sent. */
public final class UpstreamConnectTimeoutException extends UpstreamException {

    /** Connecting to {@code origin} timed out. */
    public UpstreamConnectTimeoutException(Origin origin, String message, Throwable cause) {
        super(origin, message, cause);
    }
}
