package dev.portcullis.kernel.sse;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a byte stream (WHATWG rules: LF, CRLF or CR line ends; one
 * optional space after the colon; data lines joined with LF; {@code retry} ignored). Reads only
 * as far as the next event: nothing is buffered beyond what the event needs.
 */
public final class SseParser implements EventSource {

    private final InputStream in;
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean pendingCr;

    /** Parses {@code in}; an event larger than {@code maxEventBytes} is an error. */
    public SseParser(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public SseEvent next() throws IOException {
        String event = null;
        String id = null;
        String comment = null;
        StringBuilder data = null;
        int size = 0;
        while (true) {
            String l = readLine();
            if (l == null) {
                // end of stream: an unterminated event is dropped, as the spec says
                return null;
            }
            if (l.isEmpty()) {
                if (data != null || event != null || comment != null || id != null) {
                    return new SseEvent(event, data == null ? null : data.toString(), id, comment);
                }
                continue;
            }
            size += l.length();
            if (size > maxEventBytes) {
                throw new IOException("server-sent event larger than " + maxEventBytes + " bytes");
            }
            int colon = l.indexOf(':');
            if (colon == 0) {
                String c = l.length() > 1 && l.charAt(1) == ' ' ? l.substring(2) : l.substring(1);
                comment = comment == null ? c : comment + "\n" + c;
                continue;
            }
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1 + (colon + 1 < l.length() && l.charAt(colon + 1) == ' ' ? 1 : 0));
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
                default -> { /* retry and unknown fields are ignored */ }
            }
        }
    }

    private String readLine() throws IOException {
        line.reset();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\r') {
                pendingCr = true;
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() > maxEventBytes) {
                throw new IOException("server-sent event line longer than " + maxEventBytes + " bytes");
            }
            line.write(b);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // the upstream is going away either way
        }
    }
}
