package dev.portcullis.upstream;

/** The TLS handshake failed: untrusted certificate, host name mismatch, no common protocol. */
public final class UpstreamTlsException extends UpstreamException {

    /** The handshake with {@code origin} failed. */
    public UpstreamTlsException(Origin origin, String message, Throwable cause) {
        super(origin, message, cause);
    }
}
