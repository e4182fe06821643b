package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.Usage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streams translated event by event between the two wire formats, on captured-shape events. */
class StreamTranslationTest {

    static List<ChatStreamEvent> decode(ProviderAdapter.StreamDecoder decoder, List<SseEvent> events) {
        List<ChatStreamEvent> out = new ArrayList<>();
        events.forEach(e -> decoder.decode(e, out::add));
        return out;
    }

    static List<SseEvent> anthropicEvents(List<String[]> evs) {
        return evs.stream().map(e -> SseEvent.of(e[0], e[1])).toList();
    }

    static List<SseEvent> openAiEvents(List<String> data) {
        return data.stream().map(SseEvent::data).toList();
    }

    static List<SseEvent> encode(StreamEncoder encoder, List<ChatStreamEvent> events) {
        List<SseEvent> out = new ArrayList<>();
        events.forEach(e -> encoder.encode(e, out));
        return out;
    }

    static JsonNode json(SseEvent e) throws Exception {
        return MockProviders.JSON.readTree(e.data());
    }

    @Test
    void anthropicToolStreamDecodesToCanonicalEvents() {
        List<ChatStreamEvent> events = decode(new AnthropicStreamDecoder(), anthropicEvents(MockProviders.ANTHROPIC_TOOL_STREAM));
        assertThat(events).containsExactly(
                new ChatStreamEvent.MessageStart("msg_014p7gG3wDgGV9EUtLvnow3U", "claude-haiku-4-5-20251001"),
                new ChatStreamEvent.UsageUpdate(new Usage(472, 2, 0, 0)),
                new ChatStreamEvent.TextDelta("Let me check."),
                new ChatStreamEvent.ToolCallStart(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"),
                new ChatStreamEvent.ToolCallDelta(0, "{\"location\":"),
                new ChatStreamEvent.ToolCallDelta(0, " \"Paris\"}"),
                new ChatStreamEvent.Finish(StopReason.TOOL_USE),
                new ChatStreamEvent.UsageUpdate(new Usage(472, 89, 0, 0)),
                new ChatStreamEvent.MessageEnd());
    }

    @Test
    void openAiToolStreamDecodesToCanonicalEvents() {
        List<ChatStreamEvent> events = decode(new OpenAiStreamDecoder(), openAiEvents(MockProviders.OPENAI_TOOL_STREAM));
        assertThat(events).containsExactly(
                new ChatStreamEvent.MessageStart("chatcmpl-t1", "gpt-4o-mini-2024-07-18"),
                new ChatStreamEvent.ToolCallStart(0, "call_DdmO9", "get_weather"),
                new ChatStreamEvent.ToolCallDelta(0, "{\"location\""),
                new ChatStreamEvent.ToolCallDelta(0, ": \"Paris\"}"),
                new ChatStreamEvent.ToolCallStart(1, "call_Xy12", "get_time"),
                new ChatStreamEvent.ToolCallDelta(1, "{\"tz\": \"CET\"}"),
                new ChatStreamEvent.Finish(StopReason.TOOL_USE),
                new ChatStreamEvent.UsageUpdate(new Usage(80, 30, 0, 0)),
                new ChatStreamEvent.MessageEnd());
    }

    @Test
    void compatibleServersThatRepeatIdsOrReuseIndexZero() {
        String head = "{\"id\":\"c\",\"model\":\"llama3\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[";
        String tail = "]},\"finish_reason\":null}]}";
        List<ChatStreamEvent> events = decode(new OpenAiStreamDecoder(), List.of(
                SseEvent.data(head + "{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\"\"}}" + tail),
                SseEvent.data(head + "{\"index\":0,\"id\":\"a\",\"function\":{\"arguments\":\":1}\"}}" + tail),
                SseEvent.data(head + "{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}" + tail)));
        assertThat(events).containsExactly(
                new ChatStreamEvent.MessageStart("c", "llama3"),
                new ChatStreamEvent.ToolCallStart(0, "a", "f"),
                new ChatStreamEvent.ToolCallDelta(0, "{\"x\""),
                new ChatStreamEvent.ToolCallDelta(0, ":1}"),
                new ChatStreamEvent.ToolCallStart(1, "b", "g"),
                new ChatStreamEvent.ToolCallDelta(1, "{}"));
    }

    @Test
    void anthropicStreamBecomesOpenAiChunks() throws Exception {
        List<ChatStreamEvent> canonical = decode(new AnthropicStreamDecoder(), anthropicEvents(MockProviders.ANTHROPIC_TOOL_STREAM));
        List<SseEvent> out = encode(new OpenAiStreamEncoder("claude", true, 42), canonical);

        assertThat(out).allSatisfy(e -> assertThat(e.event()).isNull());
        assertThat(out.get(out.size() - 1).data()).isEqualTo("[DONE]");
        JsonNode first = json(out.get(0));
        assertThat(first.path("id").asText()).isEqualTo("msg_014p7gG3wDgGV9EUtLvnow3U");
        assertThat(first.path("model").asText()).isEqualTo("claude");
        assertThat(first.path("created").asLong()).isEqualTo(42);
        assertThat(first.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(json(out.get(1)).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Let me check.");
        JsonNode start = json(out.get(2)).path("choices").get(0).path("delta").path("tool_calls").get(0);
        assertThat(start.path("index").asInt()).isEqualTo(0);
        assertThat(start.path("id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(start.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(json(out.get(3)).path("choices").get(0).path("delta").path("tool_calls").get(0).path("function").path("arguments").asText())
                .isEqualTo("{\"location\":");
        assertThat(json(out.get(5)).path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode usage = json(out.get(6));
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(472);
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(89);
        assertThat(usage.path("usage").path("total_tokens").asInt()).isEqualTo(561);
        assertThat(out).hasSize(8);
    }

    @Test
    void openAiStreamBecomesAnthropicEvents() throws Exception {
        List<ChatStreamEvent> canonical = decode(new OpenAiStreamDecoder(), openAiEvents(MockProviders.OPENAI_TOOL_STREAM));
        List<SseEvent> out = encode(new AnthropicStreamEncoder("gpt"), canonical);

        assertThat(out.stream().map(SseEvent::event)).containsExactly(
                "message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        for (SseEvent e : out) {
            assertThat(json(e).path("type").asText()).isEqualTo(e.event());
        }
        JsonNode start = json(out.get(0)).path("message");
        assertThat(start.path("id").asText()).isEqualTo("chatcmpl-t1");
        assertThat(start.path("model").asText()).isEqualTo("gpt");
        JsonNode second = json(out.get(5));
        assertThat(second.path("index").asInt()).isEqualTo(1);
        assertThat(second.path("content_block").path("name").asText()).isEqualTo("get_time");
        assertThat(json(out.get(6)).path("delta").path("partial_json").asText()).isEqualTo("{\"tz\": \"CET\"}");
        JsonNode end = json(out.get(8));
        assertThat(end.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(end.path("usage").path("input_tokens").asInt()).isEqualTo(80);
        assertThat(end.path("usage").path("output_tokens").asInt()).isEqualTo(30);
    }

    @Test
    void anthropicMessageStartCarriesInputUsageKnownBeforeContent() throws Exception {
        List<ChatStreamEvent> canonical = decode(new AnthropicStreamDecoder(), anthropicEvents(MockProviders.ANTHROPIC_TEXT_STREAM));
        List<SseEvent> out = encode(new AnthropicStreamEncoder("claude"), canonical);
        JsonNode usage = json(out.get(0)).path("message").path("usage");
        // 25 uncached + 5 cache reads: canonical input 30, written back as 25 + cache_read 5
        assertThat(usage.path("input_tokens").asInt()).isEqualTo(25);
        assertThat(usage.path("cache_read_input_tokens").asInt()).isEqualTo(5);
        assertThat(out.stream().map(SseEvent::event)).doesNotContain("ping");
    }

    @Test
    void providerErrorsDecodeAndEncodeInEachFormat() throws Exception {
        List<ChatStreamEvent> fromAnthropic = decode(new AnthropicStreamDecoder(),
                List.of(SseEvent.of("error", MockProviders.ANTHROPIC_503)));
        assertThat(fromAnthropic).containsExactly(new ChatStreamEvent.Error(new dev.portcullis.spi.llm.ChatError(529, "Overloaded")));

        List<ChatStreamEvent> fromOpenAi = decode(new OpenAiStreamDecoder(),
                List.of(SseEvent.data("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")));
        assertThat(fromOpenAi).containsExactly(new ChatStreamEvent.Error(new dev.portcullis.spi.llm.ChatError(429, "Rate limit reached")));

        List<SseEvent> anthropic = encode(new AnthropicStreamEncoder("m"), fromOpenAi);
        assertThat(anthropic).hasSize(1);
        assertThat(anthropic.get(0).event()).isEqualTo("error");
        assertThat(json(anthropic.get(0)).path("error").path("type").asText()).isEqualTo("rate_limit_error");

        List<SseEvent> openAi = encode(new OpenAiStreamEncoder("m", false, 0), fromAnthropic);
        assertThat(json(openAi.get(0)).path("error").path("message").asText()).isEqualTo("Overloaded");
    }

    @Test
    void sseReaderFollowsTheEventStreamRules() throws Exception {
        String wire = ": keep-alive\r\nevent: a\r\ndata: one\r\ndata:two\r\n\r\n\n\nid: 7\ndata: {\"x\":1}\r\rdata: last-without-blank-line";
        SseReader r = new SseReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.next()).isEqualTo(new SseEvent("a", "one\ntwo", null, null));
        assertThat(r.next()).isEqualTo(new SseEvent(null, "{\"x\":1}", "7", null));
        assertThat(r.next()).isEqualTo(SseEvent.data("last-without-blank-line"));
        assertThat(r.next()).isNull();
    }
}
