package dev.portcullis.upstream;

/** The connection was closed or reset while sending the request or reading the response head. */
public final class UpstreamResetException extends UpstreamException {

    private final boolean beforeResponse;

    /**
     * The connection to {@code origin} broke.
     *
     * @param beforeResponse whether no response byte had arrived yet
     */
    public UpstreamResetException(Origin origin, String message, Throwable cause, boolean beforeResponse) {
        super(origin, message, cause);
        this.beforeResponse = beforeResponse;
    }

    /** Whether the connection broke before any response byte arrived. */
    public boolean beforeResponse() {
        return beforeResponse;
    }
}
