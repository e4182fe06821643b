package dev.portcullis.upstream;

/** The upstream answered with something that is not valid HTTP/1.1 (or exceeds the header limit). */
public final class UpstreamProtocolException extends UpstreamException {

    /** {@code origin} broke the protocol as {@code message} says. */
    public UpstreamProtocolException(Origin origin, String message) {
        super(origin, message, null);
    }
}
