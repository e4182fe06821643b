package dev.portcullis.upstream;

import dev.portcullis.spi.Body;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiConsumer;

/**
 * Writes a request onto its connection: the head assembled in the connection's write buffer as
 * ASCII (no charset encoder) and sent in one write, bodies of known length that fit the buffer
 * in the same write, larger or chunked bodies after it, framed by Content-Length or chunked.
 *
 * <p>Socket write failures become {@link UpstreamResetException}; failures of the request body
 * stream (including a {@link dev.portcullis.spi.GatewayException} from a size-limit policy)
 * propagate unchanged.
 */
final class RequestWriter implements BiConsumer<String, String> {

    /** Room left before chunk data for the hex size and CRLF (16 KiB needs 4 hex digits). */
    private static final int CHUNK_HEADER_ROOM = 8;
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Connection c;
    private byte[] buf;
    private int pos;

    RequestWriter(Connection c) {
        this.c = c;
    }

    void send(UpstreamRequest r) throws IOException {
        Body body = r.body();
        if (body.events() != null) {
            throw new IllegalArgumentException("an event-stream body cannot be sent upstream");
        }
        buf = c.wbuf != null ? c.wbuf : new byte[Connection.BUFFER_SIZE];
        pos = 0;
        text(r.method());
        put(' ');
        target(r.target());
        ascii(" HTTP/1.1\r\nHost: ");
        String host = r.headers().get("Host");
        text(host != null ? host : r.origin().authority());
        crlf();
        r.headers().forEach(this);
        long length = body.length();
        if (length > 0) {
            ascii("Content-Length: ");
            number(length);
            crlf();
        } else if (length < 0) {
            ascii("Transfer-Encoding: chunked\r\n");
        } else if (expectsBody(r.method())) {
            ascii("Content-Length: 0\r\n");
        }
        crlf();

        if (length == 0) {
            write(buf, 0, pos);
        } else if (body.isBuffered()) {
            byte[] bytes = body.bytes(Long.MAX_VALUE); // the buffered array itself, no copy
            if (pos + bytes.length <= buf.length) {
                System.arraycopy(bytes, 0, buf, pos, bytes.length);
                write(buf, 0, pos + bytes.length);
            } else {
                write(buf, 0, pos);
                write(bytes, 0, bytes.length);
            }
        } else if (length > 0 && pos + length <= buf.length) {
            // a small streamed body (a JSON POST) is read in behind the head: one write, not two
            int got = body.stream().readNBytes(buf, pos, (int) length);
            if (got < length) {
                throw new EOFException("request body ended after " + got + " of " + length + " bytes");
            }
            write(buf, 0, pos + got);
        } else {
            write(buf, 0, pos);
            if (length > 0) {
                copyFixed(body.stream(), length);
            } else {
                copyChunked(body.stream());
            }
        }
        c.wbuf = buf;
        buf = null; // the connection owns the buffer between requests (and drops it for long streams)
    }

    /** Writes one header line, skipping those the writer owns (Host, framing). */
    @Override
    public void accept(String name, String value) {
        switch (name.length()) {
            case 4 -> {
                if (name.equalsIgnoreCase("host")) {
                    return;
                }
            }
            case 14 -> {
                if (name.equalsIgnoreCase("content-length")) {
                    return;
                }
            }
            case 17 -> {
                if (name.equalsIgnoreCase("transfer-encoding")) {
                    return;
                }
            }
            default -> { }
        }
        text(name);
        put(':');
        put(' ');
        text(value);
        crlf();
    }

    private void copyFixed(InputStream in, long length) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("request body ended after " + (length - left) + " of " + length + " bytes");
            }
            write(buf, 0, n);
            left -= n;
        }
    }

    private void copyChunked(InputStream in) throws IOException {
        int room = buf.length - CHUNK_HEADER_ROOM - 2;
        int n;
        while ((n = in.read(buf, CHUNK_HEADER_ROOM, room)) >= 0) {
            if (n == 0) {
                continue;
            }
            // hex size right-aligned before the data, CRLF after it: one write per chunk
            int start = CHUNK_HEADER_ROOM - 2;
            buf[start] = '\r';
            buf[start + 1] = '\n';
            for (int v = n; v != 0; v >>>= 4) {
                buf[--start] = HEX[v & 0xf];
            }
            int end = CHUNK_HEADER_ROOM + n;
            buf[end] = '\r';
            buf[end + 1] = '\n';
            write(buf, start, end + 2 - start);
        }
        write(LAST_CHUNK, 0, LAST_CHUNK.length);
    }

    private void write(byte[] b, int off, int len) throws UpstreamResetException {
        try {
            c.out.write(b, off, len);
        } catch (IOException e) {
            throw new UpstreamResetException(c.origin, "the connection broke while sending the request", e, true);
        }
    }

    private static boolean expectsBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    private void target(String t) {
        int n = t.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char ch = t.charAt(i);
            if (ch <= ' ' || ch >= 0x7f) {
                throw new IllegalArgumentException("request target contains a character that must be percent-encoded");
            }
            buf[pos++] = (byte) ch;
        }
    }

    /** Latin-1 text; control characters (CR, LF, NUL...) become spaces so no header can be split. */
    private void text(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            b[p++] = (ch >= ' ' && ch != 0x7f && ch <= 0xff) || ch == '\t' ? (byte) ch : (byte) ' ';
        }
        pos = p;
    }

    /** A constant of the writer's own: copied as is. */
    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void number(long v) {
        ensure(20);
        if (v == 0) {
            buf[pos++] = '0';
            return;
        }
        int start = pos;
        for (long x = v; x > 0; x /= 10) {
            buf[pos++] = (byte) ('0' + x % 10);
        }
        for (int i = start, j = pos - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void put(char ch) {
        ensure(1);
        buf[pos++] = (byte) ch;
    }

    private void crlf() {
        ensure(2);
        buf[pos++] = '\r';
        buf[pos++] = '\n';
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
