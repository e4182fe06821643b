package dev.portcullis.kernel.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.SseEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<SseEvent> parse(String text) throws IOException {
        SseParser p = new SseParser(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1024);
        List<SseEvent> out = new ArrayList<>();
        SseEvent e;
        while ((e = p.next()) != null) {
            out.add(e);
        }
        return out;
    }

    @Test
    void parsesFieldsAndMultiLineData() throws IOException {
        List<SseEvent> events = parse("event: message_start\ndata: {\"a\":1}\n\nid: 7\ndata: line1\ndata: line2\n\n");
        assertThat(events).containsExactly(
                new SseEvent("message_start", "{\"a\":1}", null, null),
                new SseEvent(null, "line1\nline2", "7", null));
    }

    @Test
    void acceptsCrLfAndCrLineEndsAndNoSpaceAfterColon() throws IOException {
        assertThat(parse("data:x\r\n\r\ndata: y\r\rdata: z\n\n"))
                .extracting(SseEvent::data).containsExactly("x", "y", "z");
    }

    @Test
    void keepsCommentsAndDropsUnterminatedTail() throws IOException {
        assertThat(parse(": ping\n\ndata: done\n\ndata: partial"))
                .containsExactly(new SseEvent(null, null, null, "ping"), SseEvent.data("done"));
    }

    @Test
    void roundTripsThroughTheEncoder() throws IOException {
        SseEvent e = new SseEvent("delta", "a\nb", "3", "note");
        assertThat(parse(new String(SseEncoder.encode(e), StandardCharsets.UTF_8))).containsExactly(e);
    }

    @Test
    void refusesOversizedEvents() {
        assertThatThrownBy(() -> parse("data: " + "x".repeat(2000) + "\n\n")).isInstanceOf(IOException.class);
    }
}
