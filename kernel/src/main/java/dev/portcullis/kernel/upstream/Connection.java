package dev.portcullis.kernel.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One open HTTP/1.1 connection with its own read and write buffers, reused across the requests
 * it carries. Used by one thread at a time: the pool hands it out exclusively.
 */
final class Connection {

    static final int BUFFER_SIZE = 16 * 1024;

    final Origin origin;
    private final Socket socket;
    private final Socket raw;
    private final InputStream in;
    final OutputStream out;

    /** Read buffer: unread bytes are {@code [rpos, rlim)}. */
    byte[] rbuf = new byte[BUFFER_SIZE];
    int rpos;
    int rlim;

    /** Write buffer for request heads and chunk frames; grown only for oversized heads. */
    byte[] wbuf = new byte[BUFFER_SIZE];

    /** Set by {@link #readLine}: the line is {@code [lineStart, lineEnd)} in {@link #rbuf}, without CRLF. */
    int lineStart;
    int lineEnd;

    /** Bytes read into the buffer by {@link #fill}: tells whether any response byte arrived. */
    long bytesIn;

    final RequestWriter writer = new RequestWriter(this);

    long idleSince;
    private boolean closed;

    Connection(Origin origin, Socket socket, Socket raw) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.raw = raw;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Whether response bytes are buffered but not consumed (the connection must not be reused). */
    boolean hasUnreadBytes() {
        return rpos < rlim;
    }

    /**
     * Reads more bytes from the socket after the unread ones, compacting or growing the buffer
     * up to {@code maxBuffer}. Returns the count read, or -1 at end of stream.
     */
    int fill(int maxBuffer) throws IOException {
        if (rpos == rlim) {
            rpos = 0;
            rlim = 0;
        } else if (rlim == rbuf.length) {
            if (rpos > 0) {
                System.arraycopy(rbuf, rpos, rbuf, 0, rlim - rpos);
                rlim -= rpos;
                rpos = 0;
            } else if (rbuf.length < maxBuffer) {
                rbuf = java.util.Arrays.copyOf(rbuf, Math.min(maxBuffer, rbuf.length * 2));
            } else {
                return -2; // full: the caller reports "too long"
            }
        }
        int n = in.read(rbuf, rlim, rbuf.length - rlim);
        if (n > 0) {
            rlim += n;
            bytesIn += n;
        }
        return n;
    }

    /**
     * Reads one line ending in LF (CR optional) into {@link #lineStart}/{@link #lineEnd}.
     * Returns {@code false} at end of stream before any byte of the line.
     *
     * @throws UpstreamProtocolException when the line is longer than {@code maxLine}
     * @throws java.io.EOFException when the stream ends inside the line
     */
    boolean readLine(int maxLine) throws IOException {
        int scanned = 0; // bytes after rpos already searched; fill() keeps them after rpos
        while (true) {
            for (int i = rpos + scanned; i < rlim; i++) {
                if (rbuf[i] == '\n') {
                    if (i - rpos > maxLine) {
                        break;
                    }
                    lineStart = rpos;
                    lineEnd = i > rpos && rbuf[i - 1] == '\r' ? i - 1 : i;
                    rpos = i + 1;
                    return true;
                }
            }
            scanned = rlim - rpos;
            int n = scanned > maxLine ? -2 : fill(maxLine + 2);
            if (n == -2) {
                throw new UpstreamProtocolException(origin, "response line or header section longer than " + maxLine + " bytes");
            }
            if (n < 0) {
                if (scanned == 0) {
                    return false;
                }
                throw new java.io.EOFException("upstream closed the connection in the middle of a line");
            }
        }
    }

    /** Reads body bytes: buffered ones first, else one socket read (never waits to fill more). */
    int read(byte[] b, int off, int len) throws IOException {
        int avail = rlim - rpos;
        if (avail > 0) {
            int n = Math.min(avail, len);
            System.arraycopy(rbuf, rpos, b, off, n);
            rpos += n;
            return n;
        }
        if (len >= rbuf.length) {
            return in.read(b, off, len); // large reads bypass the buffer
        }
        rpos = 0;
        rlim = 0;
        int n = in.read(rbuf, 0, rbuf.length);
        if (n <= 0) {
            return n;
        }
        rlim = n;
        int m = Math.min(n, len);
        System.arraycopy(rbuf, 0, b, off, m);
        rpos = m;
        return m;
    }

    /** Bytes readable without blocking from the buffer. */
    int buffered() {
        return rlim - rpos;
    }

    /**
     * Whether a pooled connection looks dead: the peer sent something unsolicited (a 408, a TLS
     * close_notify) or, after {@code probe} idleness, a 1 ms read sees end of stream.
     */
    boolean isStale(boolean probe) {
        if (closed || raw.isClosed() || rpos < rlim) {
            return true;
        }
        try {
            InputStream rawIn = raw.getInputStream();
            if (rawIn.available() > 0) {
                return true;
            }
            if (!probe) {
                return false;
            }
            raw.setSoTimeout(1);
            try {
                rawIn.read(); // any byte or EOF: the connection is unusable either way
                return true;
            } catch (SocketTimeoutException alive) {
                return false;
            }
        } catch (IOException e) {
            return true;
        }
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing to do
        }
    }
}
