package dev.portcullis.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A response body read straight off its connection. Each {@code read} returns what one socket
 * read brings (never waits to fill the caller's array), so server-sent events flow as they come.
 * {@link #close()} after the end returns the connection to the pool; earlier, it closes the socket.
 */
abstract sealed class ResponseBody extends InputStream {

    final Connection conn;
    private final ConnectionPool pool;
    private final boolean reusable;
    /** The whole body was read: the connection is positioned at the next response. */
    boolean done;
    /**
     * Set once by CAS: a watchdog may close the body while its reader finishes it, and a
     * connection released to the pool twice would carry two requests at once.
     */
    private volatile boolean closed;
    private byte[] one;

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(ResponseBody.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ResponseBody(Connection conn, ConnectionPool pool, boolean reusable) {
        this.conn = conn;
        this.pool = pool;
        this.reusable = reusable;
    }

    /** Reads body bytes; -1 at the end. Subclasses set {@link #done} when the framing says so. */
    abstract int readBody(byte[] b, int off, int len) throws IOException;

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("response body is closed");
        }
        if (len == 0) {
            return 0;
        }
        try {
            return readBody(b, off, len);
        } catch (IOException | RuntimeException e) {
            conn.close(); // a half-read connection is never reused
            throw e;
        }
    }

    @Override
    public final int read() throws IOException {
        if (one == null) {
            one = new byte[1];
        }
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() {
        if (closed || !CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        if (done && reusable && !conn.isClosed()) {
            pool.release(conn);
        } else {
            conn.close();
        }
    }

    /** A body of known length. */
    static final class Fixed extends ResponseBody {
        private final long length;
        private long remaining;

        Fixed(Connection conn, ConnectionPool pool, boolean reusable, long length) {
            super(conn, pool, reusable);
            this.length = length;
            this.remaining = length;
            this.done = length == 0;
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = conn.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("upstream " + conn.origin + " closed the connection after "
                        + (length - remaining) + " of " + length + " body bytes");
            }
            remaining -= n;
            if (remaining == 0) {
                done = true;
            }
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(conn.buffered(), remaining);
        }
    }

    /** A chunked body; trailers are read and dropped. */
    static final class Chunked extends ResponseBody {
        private static final int MAX_SIZE_LINE = 4096;
        /** The end of a chunk's data, then the last chunk without extensions or trailers. */
        private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final int maxTrailerBytes;
        private long chunkRemaining;
        private boolean inChunk;
        private boolean afterFirst;

        Chunked(Connection conn, ConnectionPool pool, boolean reusable, int maxTrailerBytes) {
            super(conn, pool, reusable);
            this.maxTrailerBytes = maxTrailerBytes;
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (!inChunk) {
                if (afterFirst) {
                    requireLine(); // the CRLF that ends the previous chunk's data
                    if (conn.lineEnd != conn.lineStart) {
                        throw new UpstreamProtocolException(conn.origin, "missing CRLF after a chunk");
                    }
                }
                afterFirst = true;
                requireLine();
                chunkRemaining = parseSize();
                if (chunkRemaining == 0) {
                    skipTrailers();
                    done = true;
                    return -1;
                }
                inChunk = true;
            }
            int n = conn.read(b, off, (int) Math.min(len, chunkRemaining));
            if (n < 0) {
                throw new EOFException("upstream " + conn.origin + " closed the connection inside a chunk");
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
                inChunk = false;
                endIfBuffered();
            }
            return n;
        }

        /**
         * Takes the last chunk now if it already arrived behind this one: a reader that stops at
         * the data it expects (one event of a stream the server then ends) and closes the body
         * still hands the connection back to the pool. Anything else waits for the next read.
         */
        private void endIfBuffered() {
            int at = conn.rpos;
            if (conn.rlim - at >= LAST_CHUNK.length
                    && Arrays.equals(conn.rbuf, at, at + LAST_CHUNK.length, LAST_CHUNK, 0, LAST_CHUNK.length)) {
                conn.rpos = at + LAST_CHUNK.length;
                done = true;
            }
        }

        private void requireLine() throws IOException {
            if (!conn.readLine(MAX_SIZE_LINE)) {
                throw new EOFException("upstream " + conn.origin + " closed the connection before the last chunk");
            }
        }

        private long parseSize() throws UpstreamProtocolException {
            byte[] buf = conn.rbuf;
            long size = 0;
            int i = conn.lineStart;
            int digits = 0;
            for (; i < conn.lineEnd; i++) {
                int d = Character.digit(buf[i], 16);
                if (d < 0) {
                    break;
                }
                if (++digits > 15) {
                    throw new UpstreamProtocolException(conn.origin, "chunk size too large");
                }
                size = size << 4 | d;
            }
            if (digits == 0 || (i < conn.lineEnd && buf[i] != ';' && buf[i] != ' ' && buf[i] != '\t')) {
                throw new UpstreamProtocolException(conn.origin, "malformed chunk size line");
            }
            return size;
        }

        private void skipTrailers() throws IOException {
            int used = 0;
            while (true) {
                if (!conn.readLine(Math.max(0, maxTrailerBytes - used))) {
                    throw new EOFException("upstream " + conn.origin + " closed the connection inside the trailers");
                }
                if (conn.lineEnd == conn.lineStart) {
                    return;
                }
                used += conn.lineEnd - conn.lineStart + 2;
            }
        }

        @Override
        public int available() {
            return inChunk ? (int) Math.min(conn.buffered(), chunkRemaining) : 0;
        }
    }

    /** A body that ends when the upstream closes the connection. */
    static final class UntilClose extends ResponseBody {

        UntilClose(Connection conn, ConnectionPool pool) {
            super(conn, pool, false);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            int n = conn.read(b, off, len);
            if (n < 0) {
                done = true;
            }
            return n;
        }

        @Override
        public int available() {
            return conn.buffered();
        }
    }
}
