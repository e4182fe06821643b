package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.Usage;
import java.util.List;

/**
 * Writes canonical events as OpenAI {@code chat.completion.chunk} data events. Usage is sent as
 * the final chunk (empty {@code choices}) only when the client asked with
 * {@code stream_options.include_usage}; the stream ends with {@code data: [DONE]}.
 *
 * <p>A failure ends the stream with {@code data: {"error": {...}}} and no {@code [DONE]}: the
 * official SDKs raise an error when a data event carries an {@code error} object.
 */
final class OpenAiStreamEncoder implements StreamEncoder {

    private static final SseEvent DONE = SseEvent.data("[DONE]");

    private final String model;
    private final boolean includeUsage;
    private final long created;
    private String id = "chatcmpl-portcullis";
    private Usage usage;

    OpenAiStreamEncoder(String model, boolean includeUsage, long created) {
        this.model = model;
        this.includeUsage = includeUsage;
        this.created = created;
    }

    @Override
    public void encode(ChatStreamEvent event, List<SseEvent> out) {
        switch (event) {
            case ChatStreamEvent.MessageStart s -> {
                if (s.id() != null) {
                    id = s.id();
                }
                ObjectNode chunk = chunk();
                delta(chunk).put("role", "assistant").put("content", "");
                out.add(emit(chunk));
            }
            case ChatStreamEvent.TextDelta t -> {
                ObjectNode chunk = chunk();
                delta(chunk).put("content", t.text());
                out.add(emit(chunk));
            }
            case ChatStreamEvent.ToolCallStart s -> {
                ObjectNode chunk = chunk();
                ObjectNode call = delta(chunk).putArray("tool_calls").addObject();
                call.put("index", s.index()).put("id", s.id()).put("type", "function");
                call.putObject("function").put("name", s.name()).put("arguments", "");
                out.add(emit(chunk));
            }
            case ChatStreamEvent.ToolCallDelta d -> {
                ObjectNode chunk = chunk();
                ObjectNode call = delta(chunk).putArray("tool_calls").addObject();
                call.put("index", d.index()).putObject("function").put("arguments", d.arguments());
                out.add(emit(chunk));
            }
            case ChatStreamEvent.Finish f -> {
                ObjectNode chunk = chunk();
                delta(chunk);
                ((ObjectNode) chunk.get("choices").get(0)).put("finish_reason", StopReasons.toOpenAi(f.reason()));
                out.add(emit(chunk));
            }
            case ChatStreamEvent.UsageUpdate u -> usage = u.usage();
            case ChatStreamEvent.MessageEnd e -> {
                if (includeUsage) {
                    ObjectNode chunk = head();
                    chunk.putArray("choices");
                    chunk.set("usage", OpenAiWire.writeUsage(usage == null ? Usage.NONE : usage));
                    out.add(emit(chunk));
                }
                out.add(DONE);
            }
            case ChatStreamEvent.Error e -> out.add(emit(OpenAiWire.error(e.error().status(), null, e.error().message())));
        }
    }

    private ObjectNode head() {
        ObjectNode chunk = Json.object();
        chunk.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        return chunk;
    }

    private ObjectNode chunk() {
        ObjectNode chunk = head();
        ArrayNode choices = chunk.putArray("choices");
        choices.addObject().put("index", 0).putObject("delta");
        ((ObjectNode) choices.get(0)).putNull("logprobs").putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    private static SseEvent emit(ObjectNode json) {
        return SseEvent.data(Json.write(json));
    }
}
