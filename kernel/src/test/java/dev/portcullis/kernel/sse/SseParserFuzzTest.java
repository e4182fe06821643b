package dev.portcullis.kernel.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.portcullis.spi.SseEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SSE parser on arbitrary upstream bytes (the stream a provider or MCP server sends): it
 * yields events or fails with an {@link IOException} (an event over the size limit), never
 * anything else; and what it yields survives the encoder and the parser again unchanged, so a
 * hook's re-encoded stream means what the upstream's meant.
 */
class SseParserFuzzTest {

    private static final int MAX_EVENT = 4096;

    @FuzzTest(maxDuration = "20s")
    void parsedEventsRoundTripThroughTheEncoder(byte @NotNull [] upstream) throws IOException {
        List<SseEvent> events;
        try {
            events = parse(upstream);
        } catch (IOException tooLarge) {
            return;
        }
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        for (SseEvent e : events) {
            assertThat(e.data() == null || e.data().length() <= MAX_EVENT).isTrue();
            again.write(SseEncoder.encode(e));
        }
        List<SseEvent> reparsed = parse(again.toByteArray(), Integer.MAX_VALUE);
        assertThat(reparsed).isEqualTo(events);
    }

    private static List<SseEvent> parse(byte[] bytes) throws IOException {
        return parse(bytes, MAX_EVENT);
    }

    private static List<SseEvent> parse(byte[] bytes, int max) throws IOException {
        SseParser parser = new SseParser(new ByteArrayInputStream(bytes), max);
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent e; (e = parser.next()) != null; ) {
            out.add(e);
            assertThat(out.size()).isLessThanOrEqualTo(bytes.length + 1);
        }
        return out;
    }
}
