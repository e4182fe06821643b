package dev.portcullis.kernel.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The parser reads ahead into its own buffer, so events must come out the same however the
 * bytes are cut into reads, and an event must come out as soon as its blank line has arrived,
 * without waiting for the bytes after it.
 */
class SseParserChunkingTest {

    private static final String STREAM = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n"
            + ": keep-alive\n\n"
            + "id: 7\ndata: line1\ndata: é and ü\n\n"
            + "data:" + "x".repeat(5000) + "\r\r"
            + "data: last\n\n";

    private static List<SseEvent> parse(InputStream in) throws IOException {
        SseParser p = new SseParser(in, 64 * 1024);
        List<SseEvent> out = new ArrayList<>();
        SseEvent e;
        while ((e = p.next()) != null) {
            out.add(e);
        }
        return out;
    }

    /** Hands out the bytes {@code step} at a time, as a socket would in small reads. */
    private static InputStream inReadsOf(byte[] bytes, int step) {
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, step), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void everyCutOfTheStreamIntoReadsGivesTheSameEvents() throws IOException {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> whole = parse(inReadsOf(bytes, bytes.length));
        assertThat(whole).containsExactly(
                new SseEvent("message_start", "{\"a\":1}", null, null),
                new SseEvent(null, null, null, "keep-alive"),
                new SseEvent(null, "line1\né and ü", "7", null),
                SseEvent.data("x".repeat(5000)),
                SseEvent.data("last"));
        // 1: every CR LF split between reads, and the two bytes of é and ü split too
        for (int step : new int[] {1, 2, 3, 7, 64, 4095, 4096, 4097}) {
            assertThat(parse(inReadsOf(bytes, step))).as("reads of %d bytes", step).isEqualTo(whole);
        }
    }

    @Test
    void anEventComesOutBeforeTheBytesAfterItArrive() throws Exception {
        CountDownLatch firstParsed = new CountDownLatch(1);
        byte[] first = "data: first\n\n".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "data: second\n\n".getBytes(StandardCharsets.US_ASCII);
        InputStream upstream = new InputStream() {
            int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                byte[] chunk = switch (reads++) {
                    case 0 -> first;
                    case 1 -> {
                        try {
                            // the second event is sent only once the first has been parsed
                            if (!firstParsed.await(5, TimeUnit.SECONDS)) {
                                throw new IOException("the parser waited for more than the first event");
                            }
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                        yield second;
                    }
                    default -> null;
                };
                if (chunk == null) {
                    return -1;
                }
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            }
        };
        SseParser p = new SseParser(upstream, 1024);
        assertThat(p.next()).isEqualTo(SseEvent.data("first"));
        firstParsed.countDown();
        assertThat(p.next()).isEqualTo(SseEvent.data("second"));
        assertThat(p.next()).isNull();
    }
}
