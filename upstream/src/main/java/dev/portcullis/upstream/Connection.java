package dev.portcullis.upstream;

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

    /**
     * Write buffer for request heads and chunk frames; grown only for oversized heads. Null while
     * an event stream is read: the stream may stay open for hours, and thousands of idle streams
     * should not each keep a request buffer (it is allocated again for the next request).
     */
    byte[] wbuf = new byte[BUFFER_SIZE];

    /** Set by {@link #readLine}: the line is {@code [lineStart, lineEnd)} in {@link #rbuf}, without CRLF. */
    int lineStart;
    int lineEnd;

    /** Bytes read into the buffer by {@link #fill}: tells whether any response byte arrived. */
    long bytesIn;

    final RequestWriter writer = new RequestWriter(this);

    long idleSince;
    private volatile boolean closed;

    /** How long one socket read may wait, 0 = for ever; enforced by {@link ReadDeadlines}. */
    private long readTimeoutNanos;
    /** When the socket read in progress times out ({@code System.nanoTime()}), 0 = no read waiting. */
    private volatile long deadline;
    /** The watchdog closed the socket because a read outlived its deadline. */
    private volatile boolean timedOut;

    Connection(Origin origin, Socket socket, Socket raw) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.raw = raw;
        // reads never carry SO_TIMEOUT (see ReadDeadlines); the TLS handshake's is lifted here
        socket.setSoTimeout(0);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        ReadDeadlines.watch(this);
    }

    /** Sets how long each following socket read may wait for bytes; 0 = no limit. */
    void readTimeout(int millis) {
        readTimeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** One socket read under the current read timeout. */
    private int socketRead(byte[] b, int off, int len) throws IOException {
        long limit = readTimeoutNanos;
        if (limit > 0) {
            long d = System.nanoTime() + limit;
            deadline = d == 0 ? 1 : d;
            ReadDeadlines.armed();
        }
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            if (timedOut) {
                SocketTimeoutException t = new SocketTimeoutException("Read timed out");
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            if (limit > 0) {
                deadline = 0;
            }
        }
    }

    /**
     * Called by the watchdog: closes the socket of a read that has waited past its deadline.
     * Returns whether a read with a deadline is waiting.
     */
    boolean expireIfPast(long now) {
        long d = deadline;
        if (d != 0 && now - d > 0 && !closed) {
            timedOut = true;
            try {
                raw.close(); // the raw socket: unblocks a TLS read without a close_notify exchange
            } catch (IOException ignored) {
                // closing a socket to stop a read: nothing else to do
            }
        }
        return d != 0;
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
        int n = socketRead(rbuf, rlim, rbuf.length - rlim);
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
            return socketRead(b, off, len); // large reads bypass the buffer
        }
        rpos = 0;
        rlim = 0;
        int n = socketRead(rbuf, 0, rbuf.length);
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
     * Whether a pooled connection looks dead. With {@code peek}, whether the peer sent something
     * unsolicited (a 408, a TLS close_notify: what servers say when they close an idle
     * connection); with {@code probe} as well, whether a 1 ms read sees end of stream.
     */
    boolean isStale(boolean peek, boolean probe) {
        if (closed || raw.isClosed() || rpos < rlim) {
            return true;
        }
        if (!peek) {
            return false;
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
                raw.setSoTimeout(0);
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
        ReadDeadlines.forget(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing to do
        }
    }
}
