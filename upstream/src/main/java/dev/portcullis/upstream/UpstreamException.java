package dev.portcullis.upstream;

import java.io.IOException;

/**
 * An upstream call failed for a reason the gateway can name. The message is plain words fit
 * for a client-facing detail ("connection refused"); {@link #origin()} says where.
 */
public abstract sealed class UpstreamException extends IOException
        permits UpstreamConnectException, UpstreamConnectTimeoutException, UpstreamResponseTimeoutException,
                UpstreamResetException, UpstreamProtocolException, UpstreamTlsException {

    private final Origin origin;

    UpstreamException(Origin origin, String message, Throwable cause) {
        super(message, cause);
        this.origin = origin;
    }

    /** The upstream the call went to. */
    public Origin origin() {
        return origin;
    }
}
