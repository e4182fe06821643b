package dev.portcullis.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stream redactor through the StreamHook API with the real detectors, chunk boundaries anywhere. */
class PiiStreamHookTest {

    static final PiiRedactor REDACTOR = new PiiRedactor(PiiGuardConfig.DEFAULT_DETECTORS.stream()
            .map(n -> DetectorRegistry.builtIn().find(n).orElseThrow()).toList());

    static final String ANSWER = "Sure. Write to jane.roe@example.org, or call +44 20 7946 0958 after nine. "
            + "Your card 4111 1111 1111 1111 was charged and the refund goes to DE89 3704 0044 0532 0130 00. "
            + "For the rest, the team at support@shop.example answers within a day; thanks for your patience!";

    /** Collects what leaves the hook. */
    static final class Sink implements EventSink {
        final List<SseEvent> events = new ArrayList<>();

        @Override
        public void emit(SseEvent event) {
            events.add(event);
        }

        @Override
        public void end() {}
    }

    static String openAiChunk(String content, String finish) {
        var root = MockLlm.JSON.createObjectNode();
        root.put("id", "c1").put("object", "chat.completion.chunk").put("model", "m");
        var choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        var delta = choice.putObject("delta");
        if (content != null) {
            delta.put("content", content);
        }
        if (finish != null) {
            choice.put("finish_reason", finish);
        } else {
            choice.putNull("finish_reason");
        }
        return root.toString();
    }

    static String openAiText(List<SseEvent> events) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (SseEvent e : events) {
            if (e.data().equals("[DONE]")) {
                continue;
            }
            for (JsonNode c : MockLlm.JSON.readTree(e.data()).path("choices")) {
                sb.append(c.path("delta").path("content").asText(""));
            }
        }
        return sb.toString();
    }

    @Test
    void valuesSplitAnywhereAcrossChunksAreRedactedWhole() throws Exception {
        String expected = REDACTOR.redact(ANSWER, null, new ArrayList<>());
        assertThat(expected).contains("<EMAIL>", "<PHONE>", "<PAYMENT_CARD>", "<IBAN>").doesNotContain("jane.roe", "4111");
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            List<String> found = new ArrayList<>();
            PiiStreamHook hook = new PiiStreamHook(ChatWire.OPENAI, REDACTOR, null, 32, found::addAll);
            Sink sink = new Sink();
            int at = 0;
            while (at < ANSWER.length()) {
                int len = 1 + random.nextInt(trial % 3 == 0 ? 4 : 24);
                String piece = ANSWER.substring(at, Math.min(ANSWER.length(), at + len));
                at += piece.length();
                hook.onEvent(SseEvent.data(openAiChunk(piece, null)), sink);
                // nothing that left so far may hold the start of a value that is still incomplete
                String sent = openAiText(sink.events);
                assertThat(sent).doesNotContain("jane.roe", "7946", "1111 1111", "3704 0044", "support@");
            }
            hook.onEvent(SseEvent.data(openAiChunk(null, "stop")), sink);
            hook.onEvent(SseEvent.data("[DONE]"), sink);
            assertThat(openAiText(sink.events)).isEqualTo(expected);
            assertThat(found).containsExactlyInAnyOrder("email", "phone", "payment-card", "iban", "email");
            assertThat(sink.events.getLast().data()).isEqualTo("[DONE]");
        }
    }

    @Test
    void textIsHeldBackOnlyByTheWindow() throws Exception {
        PiiStreamHook hook = new PiiStreamHook(ChatWire.OPENAI, REDACTOR, null, 32, f -> {});
        Sink sink = new Sink();
        String clean = "This sentence has no personal data in it at all, only words.";
        hook.onEvent(SseEvent.data(openAiChunk(clean, null)), sink);
        // all but the last 32 characters leave at once
        assertThat(openAiText(sink.events)).isEqualTo(clean.substring(0, clean.length() - 32));
        hook.onEnd(sink); // a stream that ends without a finish chunk still gets its tail
        assertThat(openAiText(sink.events)).isEqualTo(clean);
    }

    @Test
    void anthropicDeltasAndPlaceholdersSplitAcrossChunksAreRestored() throws Exception {
        Placeholders ph = new Placeholders();
        String p = ph.placeholder("email", "max@example.com");
        assertThat(p).isEqualTo("<EMAIL_1>");
        AtomicReference<List<String>> reported = new AtomicReference<>();
        PiiStreamHook hook = new PiiStreamHook(ChatWire.ANTHROPIC, REDACTOR, ph, 16, reported::set);
        Sink sink = new Sink();
        List<String> pieces = List.of("I will reply to <EM", "AIL_1> and copy ", "boss@corp.exa", "mple today, promise.");
        hook.onEvent(SseEvent.of("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"), sink);
        for (String piece : pieces) {
            var e = MockLlm.JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            e.putObject("delta").put("type", "text_delta").put("text", piece);
            hook.onEvent(SseEvent.of("content_block_delta", e.toString()), sink);
        }
        hook.onEvent(SseEvent.of("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"), sink);
        hook.onEvent(SseEvent.of("message_stop", "{\"type\":\"message_stop\"}"), sink);
        StringBuilder text = new StringBuilder();
        for (SseEvent e : sink.events) {
            JsonNode n = MockLlm.JSON.readTree(e.data());
            if ("content_block_delta".equals(n.path("type").asText())) {
                assertThat(e.event()).isEqualTo("content_block_delta");
                text.append(n.path("delta").path("text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("I will reply to max@example.com and copy <EMAIL> today, promise.");
        // stop events keep their order after the released text
        assertThat(sink.events.get(sink.events.size() - 2).event()).isEqualTo("content_block_stop");
        assertThat(reported.get()).containsExactly("email");
    }
}
