package dev.portcullis.kernel.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Bytes on a plain socket, for requests no HTTP client would send (smuggling, malformed headers,
 * trickled headers): what came back, and whether the server closed the connection.
 */
final class RawHttp {

    private static final java.util.regex.Pattern STATUS_LINE = java.util.regex.Pattern.compile("(?m)^HTTP/1\\.1 \\d{3} ");

    /**
     * What the server answered.
     *
     * @param text     everything read, as ISO-8859-1
     * @param closed   the server closed the connection (end of stream or reset) before the wait ended
     * @param millis   how long until the server closed, or the wait ended
     */
    record Reply(String text, boolean closed, long millis) {
        /** The status code of the first response, or -1. */
        int status() {
            return text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        }

        /** How many responses came back. */
        int responses() {
            return (int) STATUS_LINE.matcher(text).results().count();
        }
    }

    private RawHttp() {}

    /** Sends {@code request} and reads until the server closes or {@code waitMillis} pass without data. */
    static Reply send(int port, String request, int waitMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(waitMillis);
            long start = System.nanoTime();
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readAll(s, start);
        }
    }

    /**
     * Sends {@code request} and reads one response: up to its Content-Length when it has one,
     * else until the server closes or {@code waitMillis} pass without data.
     */
    static Reply sendOne(int port, String request, int waitMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(waitMillis);
            long start = System.nanoTime();
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b;
                try {
                    b = in.read();
                } catch (IOException e) {
                    b = -1;
                }
                if (b < 0) {
                    return new Reply(head.toString(), true, (System.nanoTime() - start) / 1_000_000);
                }
                head.append((char) b);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
            if (m.find()) {
                String body = new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.ISO_8859_1);
                return new Reply(head + body, false, (System.nanoTime() - start) / 1_000_000);
            }
            Reply rest = readAll(s, start);
            return new Reply(head + rest.text(), rest.closed(), rest.millis());
        }
    }

    /** Reads until the server closes, or until no byte arrived for the socket's timeout. */
    static Reply readAll(Socket s, long startNanos) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean closed;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (IOException e) {
            closed = true; // reset
        }
        return new Reply(out.toString(StandardCharsets.ISO_8859_1), closed, (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** Writes without flushing concerns, for trickling. */
    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
