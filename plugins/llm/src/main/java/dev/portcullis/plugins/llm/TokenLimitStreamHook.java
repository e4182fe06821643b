package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.llm.Usage;
import java.io.IOException;
import java.util.function.LongPredicate;

/**
 * Counts the output tokens of a streamed answer from the events the client is about to receive
 * (OpenAI chunks or Anthropic events), asks the token limit for room as the count grows, and
 * when there is none ends the stream the way a provider ends an answer at its output limit:
 * OpenAI {@code finish_reason: "length"} (the usage chunk if the client asked) and
 * {@code [DONE]}; Anthropic {@code content_block_stop}, {@code message_delta} with
 * {@code stop_reason: "max_tokens"} and {@code message_stop}.
 */
final class TokenLimitStreamHook implements StreamHook {

    private final boolean anthropic;
    private final boolean includeUsage;
    private final long inputEstimate;
    private final TokenEstimator estimator;
    private final LongPredicate room;
    private long seen;
    private boolean ended;
    // the stream's identity as the client saw it, for the synthesised finish
    private String id = "chatcmpl-portcullis";
    private String model = "";
    private long created;
    private int openBlock = -1;

    /**
     * @param room told the output tokens counted so far; false when the limit has no room for them
     */
    TokenLimitStreamHook(boolean anthropic, boolean includeUsage, long inputEstimate, TokenEstimator estimator, LongPredicate room) {
        this.anthropic = anthropic;
        this.includeUsage = includeUsage;
        this.inputEstimate = inputEstimate;
        this.estimator = estimator;
        this.room = room;
    }

    @Override
    public void onEvent(SseEvent event, EventSink downstream) throws IOException {
        if (ended) {
            return;
        }
        String data = event.data();
        if (data == null || data.isEmpty() || data.charAt(0) != '{') {
            downstream.emit(event); // keep-alives, [DONE]
            return;
        }
        JsonNode json;
        try {
            json = Json.parse(data);
        } catch (IllegalArgumentException e) {
            downstream.emit(event);
            return;
        }
        int tokens = anthropic ? anthropicTokens(json) : openAiTokens(json);
        if (tokens > 0 && !room.test(seen + tokens)) {
            finish(downstream);
            return;
        }
        seen += tokens;
        downstream.emit(event);
    }

    private int openAiTokens(JsonNode chunk) {
        if (chunk.hasNonNull("id")) {
            id = chunk.get("id").asText();
            model = chunk.path("model").asText(model);
            created = chunk.path("created").asLong(created);
        }
        JsonNode delta = chunk.path("choices").path(0).path("delta");
        int n = estimator.count(delta.path("content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
            JsonNode f = call.path("function");
            n += estimator.count(f.path("name").asText("")) + estimator.count(f.path("arguments").asText(""));
        }
        return n;
    }

    private int anthropicTokens(JsonNode event) {
        switch (event.path("type").asText()) {
            case "content_block_start" -> {
                openBlock = event.path("index").asInt();
                return estimator.count(event.path("content_block").path("name").asText(""));
            }
            case "content_block_stop" -> openBlock = -1;
            case "content_block_delta" -> {
                JsonNode d = event.path("delta");
                return estimator.count(d.has("text") ? d.get("text").asText() : d.path("partial_json").asText(""));
            }
            default -> { }
        }
        return 0;
    }

    /** Ends the stream as if the model had reached its output limit. */
    private void finish(EventSink downstream) throws IOException {
        ended = true;
        Usage usage = new Usage(inputEstimate, seen, 0, 0);
        if (anthropic) {
            if (openBlock >= 0) {
                downstream.emit(SseEvent.of("content_block_stop", Json.write(Json.object().put("type", "content_block_stop").put("index", openBlock))));
            }
            ObjectNode md = Json.object().put("type", "message_delta");
            md.putObject("delta").put("stop_reason", "max_tokens").putNull("stop_sequence");
            md.set("usage", AnthropicWire.writeUsage(usage));
            downstream.emit(SseEvent.of("message_delta", Json.write(md)));
            downstream.emit(SseEvent.of("message_stop", "{\"type\":\"message_stop\"}"));
        } else {
            ObjectNode chunk = head();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta");
            choice.putNull("logprobs").put("finish_reason", "length");
            downstream.emit(SseEvent.data(Json.write(chunk)));
            if (includeUsage) {
                ObjectNode u = head();
                u.putArray("choices");
                u.set("usage", OpenAiWire.writeUsage(usage));
                downstream.emit(SseEvent.data(Json.write(u)));
            }
            downstream.emit(SseEvent.data("[DONE]"));
        }
        downstream.end();
    }

    private ObjectNode head() {
        return Json.object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }
}
