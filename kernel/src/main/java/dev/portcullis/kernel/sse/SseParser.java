package dev.portcullis.kernel.sse;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent events from a byte stream (WHATWG rules: LF, CRLF or CR line ends; one
 * optional space after the colon; data lines joined with LF; {@code retry} ignored). Reads what
 * the stream has into a small buffer and returns each event as soon as its blank line is in: it
 * never waits for more bytes than the event needs. The stream is the parser's alone.
 */
public final class SseParser implements EventSource {

    /** Read buffer: one socket read of an event stream is rarely more than this. */
    private static final int BUFFER = 4 * 1024;

    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    /** A line longer than what was buffered, collected across reads. */
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
        String data = null;
        StringBuilder moreData = null; // only when an event has several data lines
        int size = 0;
        while (true) {
            String l = readLine();
            if (l == null) {
                // end of stream: an unterminated event is dropped, as the spec says
                return null;
            }
            if (l.isEmpty()) {
                if (data != null || event != null || comment != null || id != null) {
                    return new SseEvent(event, moreData != null ? moreData.toString() : data, id, comment);
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
            int nameEnd = colon < 0 ? l.length() : colon;
            int valueStart = colon < 0 ? l.length() : colon + 1 + (colon + 1 < l.length() && l.charAt(colon + 1) == ' ' ? 1 : 0);
            if (nameEnd == 4 && l.startsWith("data")) {
                String value = l.substring(valueStart);
                if (data == null) {
                    data = value;
                } else {
                    if (moreData == null) {
                        moreData = new StringBuilder(data.length() + value.length() + 16).append(data);
                    }
                    moreData.append('\n').append(value);
                    data = ""; // non-null: the event has data
                }
            } else if (nameEnd == 5 && l.startsWith("event")) {
                event = l.substring(valueStart);
            } else if (nameEnd == 2 && l.startsWith("id")) {
                id = l.substring(valueStart);
            }
            // retry and unknown fields are ignored
        }
    }

    /** The next line without its end, or null at the end of the stream. */
    private String readLine() throws IOException {
        line.reset();
        while (true) {
            if (pos == lim) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                pos = 0;
                lim = n;
                continue;
            }
            if (pendingCr) {
                pendingCr = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            int i = start;
            while (i < lim && buf[i] != '\n' && buf[i] != '\r') {
                i++;
            }
            int len = i - start;
            if (line.size() + len > maxEventBytes) {
                throw new IOException("server-sent event line longer than " + maxEventBytes + " bytes");
            }
            if (i == lim) {
                line.write(buf, start, len); // the line goes on in the next read
                pos = lim;
                continue;
            }
            pos = i + 1;
            pendingCr = buf[i] == '\r';
            if (line.size() == 0) {
                return new String(buf, start, len, StandardCharsets.UTF_8);
            }
            line.write(buf, start, len);
            return line.toString(StandardCharsets.UTF_8);
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
