package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from an upstream body, one at a time, as they arrive. Lines end with
 * LF, CR or CRLF; an event longer than the limit fails the stream rather than growing memory.
 */
final class SseReader implements AutoCloseable {

    private final InputStream in;
    private final int maxEvent;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private boolean lastWasCr;

    SseReader(InputStream in, int maxEvent) {
        this.in = in;
        this.maxEvent = maxEvent;
    }

    /** The next event, or {@code null} at the end of the stream. Comment-only frames are skipped. */
    SseEvent next() throws IOException {
        String event = null;
        String id = null;
        StringBuilder data = null;
        int size = 0;
        while (true) {
            String line = readLine();
            if (line == null) {
                return data == null ? null : new SseEvent(event, data.toString(), id, null);
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new SseEvent(event, data.toString(), id, null);
                }
                event = null; // a frame without data dispatches nothing
                id = null;
                continue;
            }
            size += line.length();
            if (size > maxEvent) {
                throw new IOException("upstream event exceeds " + maxEvent + " bytes");
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1);
            switch (field) {
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                }
                case "event" -> event = value;
                case "id" -> id = value;
                default -> { } // retry and unknown fields are not relayed
            }
        }
    }

    private String readLine() throws IOException {
        java.io.ByteArrayOutputStream line = null;
        int start = pos;
        while (true) {
            if (pos == end) {
                if (pos > start) {
                    line = append(line, start, pos);
                }
                end = in.read(buf);
                pos = 0;
                start = 0;
                if (end <= 0) {
                    end = 0;
                    return line == null ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            byte b = buf[pos];
            if (lastWasCr && b == '\n' && pos == start) {
                lastWasCr = false;
                pos++;
                start = pos;
                continue;
            }
            lastWasCr = false;
            if (b == '\n' || b == '\r') {
                lastWasCr = b == '\r';
                String s;
                if (line == null) {
                    s = new String(buf, start, pos - start, StandardCharsets.UTF_8);
                } else {
                    line.write(buf, start, pos - start);
                    s = line.toString(StandardCharsets.UTF_8);
                }
                pos++;
                return s;
            }
            pos++;
            if (line != null && line.size() + (pos - start) > maxEvent) {
                throw new IOException("upstream event line exceeds " + maxEvent + " bytes");
            }
        }
    }

    private java.io.ByteArrayOutputStream append(java.io.ByteArrayOutputStream line, int from, int to) throws IOException {
        if (line == null) {
            line = new java.io.ByteArrayOutputStream(Math.max(64, to - from));
        }
        line.write(buf, from, to - from);
        if (line.size() > maxEvent) {
            throw new IOException("upstream event line exceeds " + maxEvent + " bytes");
        }
        return line;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // releasing the upstream connection
        }
    }
}
