package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.GatewayException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a body through while counting it, and throws {@link GatewayException} (413
 * {@code body-too-large}) as soon as more than {@code limit} bytes arrive, so the backend's
 * upload stops and the client gets a precise answer. Bytes beyond the limit are never handed on.
 */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            counted(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false; // a reset would make the count lie
    }

    @Override
    public void mark(int readLimit) {
        // not supported, see markSupported
    }

    @Override
    public void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void counted(long n) {
        count += n;
        if (count > limit) {
            throw new GatewayException(RequestSizeLimitPolicyFactory.tooLarge(-1, limit));
        }
    }
}
