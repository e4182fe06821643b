package dev.portcullis.kernel.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes and checks a request path once, before routing. Refuses forms that let a client reach
 * a different resource upstream than the one the gateway routed and authorised: dot segments,
 * encoded slashes and backslashes, NUL, double encoding, invalid UTF-8, raw non-ASCII characters.
 */
public final class PathNormalizer {

    /** A refused path, with the reason for the client. */
    public static final class InvalidPathException extends Exception {
        InvalidPathException(String reason) {
            super(reason, null, false, false);
        }
    }

    private PathNormalizer() {}

    /** The decoded path, or an exception saying why it is refused. */
    public static String decode(String rawPath) throws InvalidPathException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new InvalidPathException("the path must start with '/'");
        }
        boolean plain = true;
        for (int i = 0, n = rawPath.length(); i < n; i++) {
            char c = rawPath.charAt(i);
            if (c == '%' || c == '\\' || c < 0x21 || c >= 0x7f) {
                plain = false;
                break;
            }
        }
        String path = plain ? rawPath : percentDecode(rawPath);
        checkSegments(path);
        return path;
    }

    /**
     * Checks a raw query string: it is forwarded as received, so it must be ASCII without
     * control characters (RFC 9112 request targets); anything else is refused before routing.
     */
    public static void checkQuery(String rawQuery) throws InvalidPathException {
        if (rawQuery == null) {
            return;
        }
        for (int i = 0, n = rawQuery.length(); i < n; i++) {
            char c = rawQuery.charAt(i);
            if (c < 0x21 || c >= 0x7f) {
                throw new InvalidPathException("the query must be ASCII without spaces or control characters; percent-encode the rest");
            }
        }
    }

    private static String percentDecode(String raw) throws InvalidPathException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0, n = raw.length(); i < n; i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                throw new InvalidPathException("backslashes are not allowed in paths");
            }
            if (c == '%') {
                if (i + 2 >= n) {
                    throw new InvalidPathException("incomplete percent-encoding in path");
                }
                int hi = hex(raw.charAt(i + 1));
                int lo = hex(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw new InvalidPathException("invalid percent-encoding in path");
                }
                int b = (hi << 4) | lo;
                if (b == '/' || b == '\\') {
                    throw new InvalidPathException("encoded slashes are not allowed in paths");
                }
                if (b < 0x20 || b == 0x7f) {
                    // encoded or raw, a CR, LF, NUL or other control character has no place in a path
                    throw new InvalidPathException("control characters are not allowed in paths");
                }
                out.write(b);
                i += 2;
            } else if (c < 0x20 || c == 0x7f) {
                throw new InvalidPathException("control characters are not allowed in paths");
            } else if (c < 0x80) {
                out.write(c);
            } else {
                // RFC 9112 request targets are ASCII; the listener has already replaced raw bytes that
                // were not UTF-8, so what arrives here cannot be forwarded faithfully
                throw new InvalidPathException("characters outside ASCII must be percent-encoded in paths");
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPathException("the path is not valid UTF-8");
        }
        // Whatever still reads as an escape after one decoding (%252e, %25%32%65, ...) is a second
        // encoding layer that a backend may decode again, behind the gateway's checks
        for (int i = decoded.indexOf('%'); i >= 0 && i + 2 < decoded.length(); i = decoded.indexOf('%', i + 1)) {
            if (hex(decoded.charAt(i + 1)) >= 0 && hex(decoded.charAt(i + 2)) >= 0) {
                throw new InvalidPathException("double percent-encoding is not allowed in paths");
            }
        }
        return decoded;
    }

    /** An ASCII hex digit's value, else -1 ({@link Character#digit} would also take non-ASCII digits). */
    private static int hex(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static void checkSegments(String path) throws InvalidPathException {
        int start = 1;
        int n = path.length();
        while (start <= n) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            int len = end - start;
            if ((len == 1 && path.charAt(start) == '.') || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                throw new InvalidPathException("'.' and '..' segments are not allowed in paths");
            }
            start = end + 1;
        }
    }
}
