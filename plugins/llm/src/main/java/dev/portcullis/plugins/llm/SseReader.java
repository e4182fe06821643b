package dev.portcullis.plugins.llm;

import dev.portcullis.spi.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a provider's response body, one at a time (WHATWG event-stream
 * rules: LF, CRLF or CR line ends; comments ignored; one optional space after the colon).
 */
final class SseReader implements AutoCloseable {

    private static final int MAX_LINE = 4 * 1024 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean lastWasCr;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    SseReader(InputStream in) {
        this.in = in;
    }

    /** The next event with data, or null at the end of the stream. */
    SseEvent next() throws IOException {
        String event = null;
        String id = null;
        StringBuilder data = null;
        while (true) {
            String l = readLine();
            if (l == null) {
                return data == null ? null : new SseEvent(event, data.toString(), id, null);
            }
            if (l.isEmpty()) {
                if (data != null) {
                    return new SseEvent(event, data.toString(), id, null);
                }
                event = null;
                id = null;
                continue;
            }
            if (l.charAt(0) == ':') {
                continue;
            }
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1 < l.length() && l.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1);
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length() + 16);
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                }
                case "id" -> id = value;
                default -> { }
            }
        }
    }

    private String readLine() throws IOException {
        line.reset();
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            byte b = buf[pos++];
            if (lastWasCr) {
                lastWasCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                lastWasCr = b == '\r';
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("event-stream line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the connection is being abandoned
        }
    }
}
