package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.Usage;
import java.util.function.Consumer;

/**
 * Reads a Gemini {@code streamGenerateContent?alt=sse} stream: every event is a whole
 * {@code GenerateContentResponse} holding the next parts (text deltas, complete function calls)
 * and the usage so far. Gemini has no terminal event: the chunk with a {@code finishReason} (which
 * also carries the final usage) is the last, so it ends the canonical stream; a stream that
 * breaks off before it is an error. State: whether the start was sent, the number of calls.
 */
final class GeminiStreamDecoder implements ProviderAdapter.StreamDecoder {

    private boolean started;
    private int calls;

    @Override
    public void decode(SseEvent event, Consumer<ChatStreamEvent> out) {
        String data = event.data();
        if (data == null || data.isEmpty()) {
            return;
        }
        JsonNode chunk = Json.parse(data);
        if (chunk.has("error")) {
            JsonNode e = chunk.get("error");
            String message = e.isObject() ? Json.text(e, "message") : null;
            out.accept(new ChatStreamEvent.Error(new ChatError(GeminiWire.statusOf(e), message == null ? "the provider failed" : message)));
            return;
        }
        if (!started) {
            started = true;
            out.accept(new ChatStreamEvent.MessageStart(Json.text(chunk, "responseId"), Json.text(chunk, "modelVersion")));
        }
        JsonNode candidate = chunk.path("candidates").path(0);
        for (JsonNode p : candidate.path("content").path("parts")) {
            if (p.path("thought").asBoolean(false)) {
                continue;
            }
            if (p.has("functionCall")) {
                // Gemini sends each call whole: a start and one delta with all the arguments
                JsonNode fc = p.get("functionCall");
                int index = calls++;
                out.accept(new ChatStreamEvent.ToolCallStart(index, GeminiWire.newCallId(Json.text(p, "thoughtSignature")), Json.text(fc, "name")));
                out.accept(new ChatStreamEvent.ToolCallDelta(index, Json.write(fc.has("args") ? fc.get("args") : Json.object())));
            } else if (p.has("text")) {
                String text = p.get("text").asText();
                if (!text.isEmpty()) {
                    out.accept(new ChatStreamEvent.TextDelta(text));
                }
            }
        }
        String finish = Json.text(candidate, "finishReason");
        boolean blocked = candidate.isMissingNode() && chunk.path("promptFeedback").has("blockReason");
        Usage usage = GeminiWire.readUsage(chunk.get("usageMetadata"));
        if (finish != null || blocked) {
            out.accept(new ChatStreamEvent.Finish(blocked ? StopReason.CONTENT_FILTER
                    : GeminiWire.stopReason(finish, calls > 0)));
            if (usage != null) {
                out.accept(new ChatStreamEvent.UsageUpdate(usage));
            }
            out.accept(new ChatStreamEvent.MessageEnd());
        } else if (usage != null) {
            out.accept(new ChatStreamEvent.UsageUpdate(usage));
        }
    }
}
