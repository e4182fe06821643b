package dev.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.detect.Span;
import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StreamHook;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;

/**
 * Redacts PII in a streamed answer as it passes: OpenAI {@code choices[].delta.content} and
 * Anthropic {@code content_block_delta} text deltas. Per choice (or content block) it holds back
 * the last {@code holdBack} characters, so a value split across chunks is seen whole before any
 * of it leaves: every value no longer than {@code holdBack} that starts in the released part is
 * complete in the buffer when it is scanned, and a value crossing the cut moves the cut before
 * it. The rest of the stream is never buffered; the held-back text is released at the end of its
 * choice or block.
 */
final class PiiStreamHook implements StreamHook {

    private final ChatWire wire;
    private final PiiRedactor redactor;
    private final Placeholders placeholders;
    private final int holdBack;
    private final Consumer<List<String>> report;
    private final Map<Integer, StringBuilder> pending = new TreeMap<>();
    private final List<String> found = new ArrayList<>();
    private ObjectNode lastChunk;
    private boolean reported;

    PiiStreamHook(ChatWire wire, PiiRedactor redactor, Placeholders placeholders, int holdBack, Consumer<List<String>> report) {
        this.wire = wire;
        this.redactor = redactor;
        this.placeholders = placeholders;
        this.holdBack = holdBack;
        this.report = report;
    }

    @Override
    public void onEvent(SseEvent event, EventSink downstream) throws IOException {
        String data = event.data();
        if (data == null) {
            downstream.emit(event);
            return;
        }
        if (wire == ChatWire.OPENAI && data.strip().equals("[DONE]")) {
            flushAll(downstream);
            downstream.emit(event);
            report();
            return;
        }
        JsonNode node;
        try {
            node = ChatWire.JSON.readTree(data);
        } catch (IOException e) {
            downstream.emit(event); // not JSON: not ours to rewrite
            return;
        }
        if (!(node instanceof ObjectNode root)) {
            downstream.emit(event);
            return;
        }
        boolean changed = wire == ChatWire.OPENAI ? openAi(root) : anthropic(root, downstream);
        downstream.emit(changed ? new SseEvent(event.event(), root.toString(), event.id(), event.comment()) : event);
        if (wire == ChatWire.ANTHROPIC && "message_stop".equals(root.path("type").asText())) {
            report();
        }
    }

    private boolean openAi(ObjectNode root) {
        if (!(root.get("choices") instanceof ArrayNode choices)) {
            return false;
        }
        lastChunk = root;
        boolean changed = false;
        for (JsonNode c : choices) {
            if (!(c instanceof ObjectNode choice)) {
                continue;
            }
            int index = choice.path("index").asInt(0);
            JsonNode content = choice.path("delta").path("content");
            boolean finished = choice.hasNonNull("finish_reason");
            if (content.isTextual()) {
                buffer(index).append(content.asText());
            }
            if (content.isTextual() || (finished && hasPending(index))) {
                String out = release(index, finished);
                ObjectNode delta = choice.get("delta") instanceof ObjectNode d ? d : choice.putObject("delta");
                delta.put("content", out);
                changed = true;
            }
        }
        return changed;
    }

    private boolean anthropic(ObjectNode root, EventSink downstream) throws IOException {
        String type = root.path("type").asText();
        int index = root.path("index").asInt(0);
        if ("content_block_delta".equals(type) && root.get("delta") instanceof ObjectNode delta
                && "text_delta".equals(delta.path("type").asText()) && delta.path("text").isTextual()) {
            buffer(index).append(delta.get("text").asText());
            delta.put("text", release(index, false));
            return true;
        }
        if ("content_block_stop".equals(type) && hasPending(index)) {
            emitAnthropicText(index, release(index, true), downstream);
        } else if ("message_stop".equals(type) || "message_delta".equals(type)) {
            flushAll(downstream);
        }
        return false;
    }

    @Override
    public void onEnd(EventSink downstream) throws IOException {
        flushAll(downstream);
        report();
    }

    /** Releases every held-back text as its own event (a stream that ended without closing its choices). */
    private void flushAll(EventSink downstream) throws IOException {
        for (Integer index : List.copyOf(pending.keySet())) {
            if (!hasPending(index)) {
                continue;
            }
            String rest = release(index, true);
            if (wire == ChatWire.ANTHROPIC) {
                emitAnthropicText(index, rest, downstream);
            } else {
                ObjectNode chunk = lastChunk == null ? ChatWire.JSON.createObjectNode() : lastChunk.deepCopy();
                chunk.remove("usage");
                ArrayNode choices = chunk.putArray("choices");
                ObjectNode choice = choices.addObject();
                choice.put("index", index);
                choice.putObject("delta").put("content", rest);
                choice.putNull("finish_reason");
                downstream.emit(SseEvent.data(chunk.toString()));
            }
        }
    }

    private static void emitAnthropicText(int index, String text, EventSink downstream) throws IOException {
        ObjectNode e = ChatWire.JSON.createObjectNode();
        e.put("type", "content_block_delta");
        e.put("index", index);
        ObjectNode delta = e.putObject("delta");
        delta.put("type", "text_delta");
        delta.put("text", text);
        downstream.emit(SseEvent.of("content_block_delta", e.toString()));
    }

    private StringBuilder buffer(int index) {
        return pending.computeIfAbsent(index, i -> new StringBuilder(holdBack * 2));
    }

    private boolean hasPending(int index) {
        StringBuilder b = pending.get(index);
        return b != null && !b.isEmpty();
    }

    /**
     * The part of the buffer that may leave now, redacted and with placeholders restored; all of
     * it when {@code last}.
     */
    String release(int index, boolean last) {
        StringBuilder b = buffer(index);
        String text = b.toString();
        List<Span> spans = redactor.find(text);
        int cut = last ? text.length() : Math.max(0, text.length() - holdBack);
        if (!last) {
            for (Span s : spans) {
                if (s.start() < cut && s.end() > cut) {
                    cut = s.start();
                }
            }
            Matcher m = PiiRedactor.PLACEHOLDER.matcher(text);
            while (m.find()) {
                if (m.start() < cut && m.end() > cut) {
                    cut = m.start();
                }
            }
        }
        String out = PiiRedactor.restore(PiiRedactor.replace(text, 0, cut, spans, null, found), placeholders);
        b.delete(0, cut);
        return out;
    }

    private void report() {
        if (!reported) {
            reported = true;
            report.accept(List.copyOf(found));
        }
    }
}
