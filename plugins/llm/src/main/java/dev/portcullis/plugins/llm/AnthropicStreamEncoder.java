package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.Usage;
import java.util.List;

/**
 * Writes canonical events as an Anthropic Messages stream. {@code message_start} waits for the
 * first content (so input usage known by then is in it); content blocks are opened and closed
 * as text and tool calls alternate; stop reason and usage go into the final
 * {@code message_delta} before {@code message_stop}. A failure is an {@code event: error}.
 */
final class AnthropicStreamEncoder implements StreamEncoder {

    private final String model;
    private String id = "msg_portcullis";
    private boolean started;
    private int block = -1;       // index of the open content block, -1 when none
    private int blockTool = -1;   // canonical tool index of the open block, -1 for text
    private int nextBlock;
    private StopReason stop;
    private Usage usage = Usage.NONE;

    AnthropicStreamEncoder(String model) {
        this.model = model;
    }

    @Override
    public void encode(ChatStreamEvent event, List<SseEvent> out) {
        switch (event) {
            case ChatStreamEvent.MessageStart s -> {
                if (s.id() != null) {
                    id = s.id();
                }
            }
            case ChatStreamEvent.UsageUpdate u -> usage = u.usage();
            case ChatStreamEvent.TextDelta t -> {
                start(out);
                if (block < 0 || blockTool >= 0) {
                    closeBlock(out);
                    block = nextBlock++;
                    ObjectNode e = typed("content_block_start").put("index", block);
                    e.putObject("content_block").put("type", "text").put("text", "");
                    out.add(emit("content_block_start", e));
                }
                ObjectNode e = typed("content_block_delta").put("index", block);
                e.putObject("delta").put("type", "text_delta").put("text", t.text());
                out.add(emit("content_block_delta", e));
            }
            case ChatStreamEvent.ToolCallStart s -> {
                start(out);
                closeBlock(out);
                block = nextBlock++;
                blockTool = s.index();
                ObjectNode e = typed("content_block_start").put("index", block);
                ObjectNode b = e.putObject("content_block").put("type", "tool_use").put("id", s.id()).put("name", s.name());
                b.putObject("input");
                out.add(emit("content_block_start", e));
            }
            case ChatStreamEvent.ToolCallDelta d -> {
                // Anthropic blocks cannot interleave: a delta for a call that is not open is dropped
                if (block >= 0 && blockTool == d.index()) {
                    ObjectNode e = typed("content_block_delta").put("index", block);
                    e.putObject("delta").put("type", "input_json_delta").put("partial_json", d.arguments());
                    out.add(emit("content_block_delta", e));
                }
            }
            case ChatStreamEvent.Finish f -> stop = f.reason();
            case ChatStreamEvent.MessageEnd e -> {
                start(out);
                closeBlock(out);
                ObjectNode md = typed("message_delta");
                md.putObject("delta").put("stop_reason", StopReasons.toAnthropic(stop)).putNull("stop_sequence");
                md.set("usage", AnthropicWire.writeUsage(usage));
                out.add(emit("message_delta", md));
                out.add(emit("message_stop", typed("message_stop")));
            }
            case ChatStreamEvent.Error e -> out.add(emit("error", AnthropicWire.error(e.error().status(), e.error().message())));
        }
    }

    private void start(List<SseEvent> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode e = typed("message_start");
        ObjectNode m = e.putObject("message");
        m.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        m.putArray("content");
        m.putNull("stop_reason").putNull("stop_sequence");
        ObjectNode u = AnthropicWire.writeUsage(usage);
        m.set("usage", u);
        out.add(emit("message_start", e));
    }

    private void closeBlock(List<SseEvent> out) {
        if (block >= 0) {
            out.add(emit("content_block_stop", typed("content_block_stop").put("index", block)));
            block = -1;
            blockTool = -1;
        }
    }

    private static ObjectNode typed(String type) {
        return Json.object().put("type", type);
    }

    private static SseEvent emit(String name, ObjectNode json) {
        return SseEvent.of(name, Json.write(json));
    }
}
