package dev.portcullis.upstream;

import dev.portcullis.spi.Headers;
import dev.portcullis.spi.UpstreamHttp;
import java.io.InputStream;

/**
 * An upstream response whose body is still on the wire. Closing the body after reading it to
 * the end returns the connection to the pool; closing it earlier closes the connection, which
 * is how a client that went away cancels the upstream call. Plugins see it as the SPI's
 * {@link UpstreamHttp.Reply}.
 */
public final class UpstreamResponse implements UpstreamHttp.Reply {

    private final int status;
    private final Headers headers;
    private final InputStream body;
    private final long contentLength;

    UpstreamResponse(int status, Headers headers, InputStream body, long contentLength) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.contentLength = contentLength;
    }

    @Override
    public int status() {
        return status;
    }

    /** End-to-end response headers: hop-by-hop and framing headers other than Content-Length are removed. */
    @Override
    public Headers headers() {
        return headers;
    }

    /** The body stream; empty for HEAD, 1xx, 204 and 304. */
    @Override
    public InputStream body() {
        return body;
    }

    /** The body length in bytes, or -1 when it is chunked or delimited by close. */
    @Override
    public long contentLength() {
        return contentLength;
    }

    /** Closes the body (see the class comment for what that does to the connection). */
    @Override
    public void close() {
        try {
            body.close();
        } catch (java.io.IOException ignored) {
            // the body streams never fail on close
        }
    }
}
