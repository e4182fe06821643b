package dev.portcullis.kernel.server;

import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import io.helidon.http.RequestException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A client's request body as the listener delivers it, held to the gateway's size limit, with the
 * listener's framing errors turned into client errors: a body over the limit is a
 * {@link BodyTooLargeException} (413 in the route's protocol), a broken chunked encoding a 400.
 * Without this, both would surface from deep inside a backend as an unexplained 500.
 */
final class RequestBodyStream extends FilterInputStream {

    private final long limit;
    private long read;

    RequestBodyStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (RequestException | IllegalArgumentException e) {
            throw translate(e);
        }
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(buf, off, len);
        } catch (RequestException | IllegalArgumentException e) {
            throw translate(e);
        }
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // through read(), so skipped bytes count too
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(0, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    private void count(int n) {
        read += n;
        if (read > limit) {
            throw new BodyTooLargeException(limit);
        }
    }

    private RuntimeException translate(RuntimeException e) {
        // Helidon reports a chunk size that is not hex as a NumberFormatException
        if (e instanceof RequestException r && r.status().code() == 413) {
            return new BodyTooLargeException(limit);
        }
        return new GatewayException(Failure.of(400, "invalid-body", "Invalid request body",
                "the request body is malformed (broken chunked encoding)"), e);
    }
}
