package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.Usage;
import java.util.function.Consumer;

/**
 * Reads an Anthropic Messages stream. State: the input usage from {@code message_start} (later
 * {@code message_delta}s report output), and the open content block's tool-call index, since
 * blocks never interleave.
 */
final class AnthropicStreamDecoder implements ProviderAdapter.StreamDecoder {

    private Usage startUsage = Usage.NONE;
    private int openBlock = -1;
    private int openTool = -1;
    private int tools;

    @Override
    public void decode(SseEvent event, Consumer<ChatStreamEvent> out) {
        if (event.data() == null || event.data().isEmpty()) {
            return;
        }
        JsonNode e = Json.parse(event.data());
        String type = event.event() != null ? event.event() : Json.text(e, "type");
        switch (type == null ? "" : type) {
            case "message_start" -> {
                JsonNode m = e.path("message");
                out.accept(new ChatStreamEvent.MessageStart(Json.text(m, "id"), Json.text(m, "model")));
                Usage u = AnthropicWire.readUsage(m.get("usage"));
                if (u != null) {
                    startUsage = u;
                    out.accept(new ChatStreamEvent.UsageUpdate(u));
                }
            }
            case "content_block_start" -> {
                openBlock = e.path("index").asInt();
                JsonNode b = e.path("content_block");
                String kind = Json.text(b, "type");
                if ("tool_use".equals(kind)) {
                    openTool = tools++;
                    out.accept(new ChatStreamEvent.ToolCallStart(openTool, Json.text(b, "id"), Json.text(b, "name")));
                } else {
                    openTool = -1;
                    String text = Json.text(b, "text");
                    if (text != null && !text.isEmpty()) {
                        out.accept(new ChatStreamEvent.TextDelta(text));
                    }
                }
            }
            case "content_block_delta" -> {
                JsonNode d = e.path("delta");
                String kind = Json.text(d, "type");
                if ("text_delta".equals(kind)) {
                    out.accept(new ChatStreamEvent.TextDelta(d.path("text").asText()));
                } else if ("input_json_delta".equals(kind) && openTool >= 0 && e.path("index").asInt() == openBlock) {
                    String json = d.path("partial_json").asText();
                    if (!json.isEmpty()) {
                        out.accept(new ChatStreamEvent.ToolCallDelta(openTool, json));
                    }
                }
                // thinking and signature deltas are provider-specific: not carried across
            }
            case "content_block_stop" -> {
                openBlock = -1;
                openTool = -1;
            }
            case "message_delta" -> {
                String stop = Json.text(e.path("delta"), "stop_reason");
                if (stop != null) {
                    out.accept(new ChatStreamEvent.Finish(StopReasons.fromAnthropic(stop)));
                }
                JsonNode u = e.get("usage");
                if (u != null && u.isObject()) {
                    // message_delta usage is cumulative; input counts appear only in newer versions
                    Usage later = AnthropicWire.readUsage(u);
                    long input = u.has("input_tokens") ? later.inputTokens() : startUsage.inputTokens();
                    long cached = u.has("cache_read_input_tokens") ? later.cachedInputTokens() : startUsage.cachedInputTokens();
                    out.accept(new ChatStreamEvent.UsageUpdate(new Usage(input, later.outputTokens(), cached, 0)));
                }
            }
            case "message_stop" -> out.accept(new ChatStreamEvent.MessageEnd());
            case "error" -> {
                JsonNode err = e.path("error");
                out.accept(new ChatStreamEvent.Error(new ChatError(AnthropicWire.statusOf(Json.text(err, "type")),
                        err.path("message").asText("the provider failed"))));
            }
            default -> { } // ping and future event types
        }
    }
}
