package dev.portcullis.kernel.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes and checks a request path once, before routing. Refuses forms that let a client reach
 * a different resource upstream than the one the gateway routed and authorised: dot segments,
 * encoded slashes and backslashes, NUL, double encoding, invalid UTF-8.
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
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidPathException("invalid percent-encoding in path");
                }
                int b = (hi << 4) | lo;
                if (b == '/' || b == '\\') {
                    throw new InvalidPathException("encoded slashes are not allowed in paths");
                }
                if (b == 0) {
                    throw new InvalidPathException("NUL is not allowed in paths");
                }
                if (b == '%') {
                    // %25 followed by hex is a second encoding layer a backend may decode again
                    if (i + 4 < n && Character.digit(raw.charAt(i + 3), 16) >= 0
                            && Character.digit(raw.charAt(i + 4), 16) >= 0) {
                        throw new InvalidPathException("double percent-encoding is not allowed in paths");
                    }
                }
                out.write(b);
                i += 2;
            } else if (c < 0x20 || c == 0x7f) {
                throw new InvalidPathException("control characters are not allowed in paths");
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPathException("the path is not valid UTF-8");
        }
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
