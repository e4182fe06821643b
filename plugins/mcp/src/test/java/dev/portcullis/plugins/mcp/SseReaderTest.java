package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.SseEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    static SseReader reader(String text, int max) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void readsEventsWithAnyLineEndingAndJoinsDataLines() throws IOException {
        SseReader r = reader(": keep-alive\n\nevent: message\r\nid: 7\r\ndata: {\"a\":1}\r\n\r\ndata:x\rdata: y\r\r", 1024);
        assertThat(r.next()).isEqualTo(new SseEvent("message", "{\"a\":1}", "7", null));
        assertThat(r.next()).isEqualTo(new SseEvent(null, "x\ny", null, null));
        assertThat(r.next()).isNull();
    }

    @Test
    void crlfSplitAcrossReadsIsOneLineEnd() throws IOException {
        // a stream that hands out one byte per read, so CR and LF arrive in separate reads
        byte[] bytes = "data: a\r\n\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        InputStream slow = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[i++];
                return 1;
            }
        };
        SseReader r = new SseReader(slow, 1024);
        assertThat(r.next().data()).isEqualTo("a");
        assertThat(r.next().data()).isEqualTo("b");
        assertThat(r.next()).isNull();
    }

    @Test
    void anOversizedEventFailsTheStream() {
        SseReader r = reader("data: " + "x".repeat(100) + "\n\n", 50);
        assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("exceeds");
    }
}
