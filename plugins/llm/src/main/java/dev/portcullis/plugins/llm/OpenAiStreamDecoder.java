package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.Usage;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads an OpenAI Chat Completions stream ({@code chat.completion.chunk} data events ending with
 * {@code [DONE]}). State: whether the start was seen, and per provider tool-call index the call id
 * and canonical index. Compatible servers differ: some repeat the id in every delta of a call,
 * some number every call 0 and tell them apart only by id; a call starts when its index is new or
 * its id changes.
 */
final class OpenAiStreamDecoder implements ProviderAdapter.StreamDecoder {

    private boolean started;
    private int[] toolIndex = new int[4];
    private String[] toolIds = new String[4];
    private int tools;

    OpenAiStreamDecoder() {
        Arrays.fill(toolIndex, -1);
    }

    @Override
    public void decode(SseEvent event, Consumer<ChatStreamEvent> out) {
        String data = event.data();
        if (data == null || data.isEmpty()) {
            return;
        }
        if (data.equals("[DONE]")) {
            out.accept(new ChatStreamEvent.MessageEnd());
            return;
        }
        JsonNode chunk = Json.parse(data);
        if (chunk.has("error")) {
            JsonNode e = chunk.get("error");
            out.accept(new ChatStreamEvent.Error(new ChatError(statusOf(e), OpenAiWire.readErrorMessage(chunk))));
            return;
        }
        if (!started) {
            started = true;
            out.accept(new ChatStreamEvent.MessageStart(Json.text(chunk, "id"), Json.text(chunk, "model")));
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (!choice.isMissingNode()) {
            JsonNode delta = choice.path("delta");
            String text = Json.text(delta, "content");
            if (text != null && !text.isEmpty()) {
                out.accept(new ChatStreamEvent.TextDelta(text));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                int providerIndex = call.path("index").asInt(0);
                JsonNode fn = call.path("function");
                String id = Json.text(call, "id");
                boolean starts = startsCall(providerIndex, id);
                int index = canonical(providerIndex, starts);
                if (starts) {
                    out.accept(new ChatStreamEvent.ToolCallStart(index, id, fn.path("name").asText()));
                }
                String args = Json.text(fn, "arguments");
                if (args != null && !args.isEmpty()) {
                    out.accept(new ChatStreamEvent.ToolCallDelta(index, args));
                }
            }
            String finish = Json.text(choice, "finish_reason");
            if (finish != null) {
                out.accept(new ChatStreamEvent.Finish(StopReasons.fromOpenAi(finish)));
            }
        }
        Usage usage = OpenAiWire.readUsage(chunk.get("usage"));
        if (usage != null) {
            out.accept(new ChatStreamEvent.UsageUpdate(usage));
        }
    }

    /** Whether a delta with {@code id} at {@code providerIndex} begins a new call. */
    private boolean startsCall(int providerIndex, String id) {
        if (providerIndex < 0 || providerIndex > 1024) {
            throw new IllegalArgumentException("tool call index out of range: " + providerIndex);
        }
        if (providerIndex >= toolIndex.length) {
            int old = toolIndex.length;
            int size = Math.max(providerIndex + 1, old * 2);
            toolIndex = Arrays.copyOf(toolIndex, size);
            toolIds = Arrays.copyOf(toolIds, size);
            Arrays.fill(toolIndex, old, size, -1);
        }
        if (id == null) {
            return false;
        }
        if (id.equals(toolIds[providerIndex])) {
            return false;
        }
        toolIds[providerIndex] = id;
        return true;
    }

    /** The canonical index for a provider index; a starting call gets the next one. */
    private int canonical(int providerIndex, boolean starts) {
        if (starts || toolIndex[providerIndex] < 0) {
            toolIndex[providerIndex] = tools++;
        }
        return toolIndex[providerIndex];
    }

    private static int statusOf(JsonNode e) {
        String type = e.isObject() ? Json.text(e, "type") : null;
        String code = e.isObject() ? Json.text(e, "code") : null;
        if ("rate_limit_error".equals(type) || "rate_limit_exceeded".equals(code)) {
            return 429;
        }
        if ("invalid_request_error".equals(type)) {
            return 400;
        }
        return 502;
    }
}
