package dev.portcullis.upstream;

import dev.portcullis.spi.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A parsed response status line and header section. Framing and connection headers are
 * interpreted here and left out of {@link #headers}; everything else is kept in order.
 */
final class ResponseHead {

    int status;
    Headers headers;
    /** Declared body length, -1 if none was given. */
    long contentLength = -1;
    boolean chunked;
    /** A Transfer-Encoding other than chunked: the body runs to connection close. */
    boolean otherTransferEncoding;
    /** The connection may not carry another request. */
    boolean close;

    private ResponseHead() {}

    /**
     * Reads one response head from {@code c}.
     *
     * @throws UpstreamResetException when the stream ends before the first byte (beforeResponse)
     *                                or inside the head
     */
    static ResponseHead read(Connection c, int maxHeaderBytes) throws IOException {
        ResponseHead h = new ResponseHead();
        if (!c.readLine(maxHeaderBytes)) {
            throw new UpstreamResetException(c.origin, "the upstream closed the connection without responding", null, true);
        }
        int used = c.lineEnd - c.lineStart + 2;
        h.parseStatusLine(c);
        h.headers = new Headers(16);
        String connection = null;
        while (true) {
            if (!c.readLine(maxHeaderBytes - used)) {
                throw new UpstreamResetException(c.origin, "the upstream closed the connection inside the response head", null, false);
            }
            used += c.lineEnd - c.lineStart + 2;
            if (c.lineEnd == c.lineStart) {
                break;
            }
            String conn = h.parseHeaderLine(c);
            if (conn != null) {
                connection = connection == null ? conn : connection + "," + conn;
            }
        }
        if (connection != null) {
            h.applyConnection(connection);
        }
        return h;
    }

    private void parseStatusLine(Connection c) throws UpstreamProtocolException {
        byte[] b = c.rbuf;
        int s = c.lineStart;
        int len = c.lineEnd - s;
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (len < 12 || b[s] != 'H' || b[s + 1] != 'T' || b[s + 2] != 'T' || b[s + 3] != 'P' || b[s + 4] != '/'
                || b[s + 5] != '1' || b[s + 6] != '.' || b[s + 8] != ' '
                || !digit(b[s + 9]) || !digit(b[s + 10]) || !digit(b[s + 11]) || (len > 12 && b[s + 12] != ' ')) {
            throw new UpstreamProtocolException(c.origin, "malformed status line '" + printable(b, s, Math.min(len, 64)) + "'");
        }
        if (b[s + 7] == '0') {
            close = true; // HTTP/1.0 closes unless it says keep-alive
        }
        status = (b[s + 9] - '0') * 100 + (b[s + 10] - '0') * 10 + (b[s + 11] - '0');
    }

    /** Parses one field line; returns a Connection header's value, else null. */
    private String parseHeaderLine(Connection c) throws UpstreamProtocolException {
        byte[] b = c.rbuf;
        int s = c.lineStart;
        int e = c.lineEnd;
        if (b[s] == ' ' || b[s] == '\t') {
            throw new UpstreamProtocolException(c.origin, "obsolete line folding in a response header");
        }
        int colon = s;
        while (colon < e && b[colon] != ':') {
            byte ch = b[colon];
            if (ch == ' ' || ch == '\t' || ch < 0x20) {
                throw new UpstreamProtocolException(c.origin, "invalid response header name '" + printable(b, s, Math.min(e - s, 64)) + "'");
            }
            colon++;
        }
        if (colon == s || colon == e) {
            throw new UpstreamProtocolException(c.origin, "malformed response header line '" + printable(b, s, Math.min(e - s, 64)) + "'");
        }
        int vs = colon + 1;
        int ve = e;
        while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) {
            ve--;
        }
        String name = new String(b, s, colon - s, StandardCharsets.ISO_8859_1);
        String value = new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
        switch (name.length()) {
            case 10 -> {
                if (name.equalsIgnoreCase("connection")) {
                    return value;
                }
            }
            case 14 -> {
                if (name.equalsIgnoreCase("content-length")) {
                    long n = parseLength(b, vs, ve);
                    if (n < 0 || (contentLength >= 0 && contentLength != n)) {
                        throw new UpstreamProtocolException(c.origin, "invalid Content-Length '" + value + "'");
                    }
                    if (contentLength < 0) {
                        contentLength = n;
                        headers.add(name, value);
                    }
                    return null;
                }
            }
            case 17 -> {
                if (name.equalsIgnoreCase("transfer-encoding")) {
                    // the final coding decides: chunked frames the body, anything else runs to close
                    boolean lastIsChunked = value.length() >= 7
                            && value.regionMatches(true, value.length() - 7, "chunked", 0, 7);
                    chunked = lastIsChunked;
                    otherTransferEncoding = !lastIsChunked;
                    return null;
                }
            }
            default -> { }
        }
        if (!HopByHop.is(name)) {
            headers.add(name, value);
        }
        return null;
    }

    private void applyConnection(String value) {
        boolean keepAlive = false;
        boolean explicitClose = false;
        int i = 0;
        int n = value.length();
        while (i < n) {
            int comma = value.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int s = i;
            int e = end;
            while (s < e && value.charAt(s) <= ' ') {
                s++;
            }
            while (e > s && value.charAt(e - 1) <= ' ') {
                e--;
            }
            if (e - s == 5 && value.regionMatches(true, s, "close", 0, 5)) {
                explicitClose = true;
            } else if (e - s == 10 && value.regionMatches(true, s, "keep-alive", 0, 10)) {
                keepAlive = true;
            } else if (e > s) {
                headers.remove(value.substring(s, e));
            }
            i = end + 1;
        }
        if (explicitClose) {
            close = true;
        } else if (keepAlive) {
            close = false; // HTTP/1.0 with Connection: keep-alive
        }
    }

    private static long parseLength(byte[] b, int s, int e) {
        if (s == e || e - s > 18) {
            return -1;
        }
        long n = 0;
        for (int i = s; i < e; i++) {
            if (!digit(b[i])) {
                return -1;
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    private static boolean digit(byte ch) {
        return ch >= '0' && ch <= '9';
    }

    private static String printable(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = off; i < off + len; i++) {
            char ch = (char) (b[i] & 0xff);
            sb.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return sb.toString();
    }
}
