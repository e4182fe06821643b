package dev.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.GuardAttributes;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code pii-guard} policy: replaces PII in the texts of a chat request before the model sees
 * them, and in the model's answer before the client does, complete or streamed (see
 * {@link PiiStreamHook}). With {@code restore}, the request's values travel as reversible
 * placeholders that the answer gets back.
 */
final class PiiGuardPolicy implements Policy {

    static final String TYPE = "pii-guard";

    /** The reversible placeholders of one exchange, from the request phase to the response phase. */
    static final AttributeKey<Placeholders> PLACEHOLDERS = AttributeKey.of("guard.pii-placeholders", Placeholders.class);

    private final PiiGuardConfig config;
    private final PiiRedactor redactor;
    private final PluginContext context;
    private final long maxBody;
    private final Counter requestValues;
    private final Counter responseValues;

    PiiGuardPolicy(PiiGuardConfig config, PiiRedactor redactor, PluginContext context) {
        this.config = config;
        this.redactor = redactor;
        this.context = context;
        this.maxBody = config.maxBodySize().bytes();
        this.requestValues = Counter.builder("portcullis.guard.pii.redacted").tag("phase", "request").register(context.meters());
        this.responseValues = Counter.builder("portcullis.guard.pii.redacted").tag("phase", "response").register(context.meters());
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (!"POST".equals(exchange.request().method())) {
            return Verdict.proceed();
        }
        ChatWire wire = ChatWire.of(exchange.request().path());
        if (wire == null) {
            return Verdict.proceed();
        }
        Placeholders placeholders = config.restore() ? new Placeholders() : null;
        if (placeholders != null) {
            exchange.attributes().set(PLACEHOLDERS, placeholders);
        }
        if (!config.requests()) {
            return Verdict.proceed();
        }
        ChatWire.RequestBody read = wire.readRequest(exchange, maxBody, "PII guard");
        if (read.refusal() != null) {
            return read.refusal();
        }
        JsonNode body = read.json();
        if (body == null) {
            return Verdict.proceed();
        }
        List<String> found = new ArrayList<>();
        ChatTexts.walk(body, wire, false, true, (source, text) -> redactor.redact(text, placeholders, found));
        if (found.isEmpty()) {
            return Verdict.proceed();
        }
        exchange.request().body(Body.of(body.toString().getBytes(StandardCharsets.UTF_8)));
        requestValues.increment(found.size());
        List<String> kinds = List.copyOf(new TreeSet<>(found));
        if (!exchange.attributes().has(GuardAttributes.PII_REDACTED)) {
            exchange.attributes().set(GuardAttributes.PII_REDACTED, new GuardAttributes.PiiRedaction(TYPE, kinds, found.size()));
        }
        context.audit().record(AuditEvent.of(exchange, "ai", TYPE, "redact", TYPE,
                "PII replaced in the request before it reached the model",
                Map.of("kinds", String.join(",", kinds), "count", Integer.toString(found.size()), "phase", "request")));
        return Verdict.proceed();
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        Response response = exchange.response();
        ChatWire wire = ChatWire.of(exchange.request().path());
        if (!config.responses() || wire == null || response.isEventStream() || response.body().events() != null
                || response.status() / 100 != 2) {
            return Verdict.proceed();
        }
        JsonNode body;
        try {
            byte[] bytes = response.body().bytes(maxBody);
            if (bytes.length == 0) {
                return Verdict.proceed();
            }
            body = ChatWire.JSON.readTree(bytes);
        } catch (BodyTooLargeException e) {
            return Verdict.respond(wire.error(502, "response_too_large",
                    "The model's answer is larger than the PII guard reads (" + maxBody + " bytes)."));
        } catch (IOException | RuntimeException e) {
            return Verdict.proceed(); // not JSON: nothing of ours to rewrite
        }
        Placeholders placeholders = exchange.attributes().get(PLACEHOLDERS).orElse(null);
        List<String> found = new ArrayList<>();
        boolean changed = false;
        for (ObjectNode holder : answerTexts(body, wire)) {
            String field = holder.has("content") && holder.get("content").isTextual() ? "content" : "text";
            String text = holder.get(field).asText();
            String redacted = redactor.redact(text, null, found);
            String out = PiiRedactor.restore(redacted == null ? text : redacted, placeholders);
            if (!out.equals(text)) {
                holder.set(field, TextNode.valueOf(out));
                changed = true;
            }
        }
        if (changed) {
            response.headers().remove("Content-Length");
            response.body(Body.of(body.toString().getBytes(StandardCharsets.UTF_8)));
        }
        recordAnswer(exchange, found);
        return Verdict.proceed();
    }

    /** The objects holding the answer's texts: OpenAI {@code choices[].message}, Anthropic {@code content[]} text blocks. */
    private static List<ObjectNode> answerTexts(JsonNode body, ChatWire wire) {
        List<ObjectNode> out = new ArrayList<>(2);
        if (wire == ChatWire.OPENAI) {
            if (body.get("choices") instanceof ArrayNode choices) {
                for (JsonNode c : choices) {
                    if (c.get("message") instanceof ObjectNode m && m.path("content").isTextual()) {
                        out.add(m);
                    }
                }
            }
        } else if (body.get("content") instanceof ArrayNode blocks) {
            for (JsonNode b : blocks) {
                if (b instanceof ObjectNode block && "text".equals(block.path("type").asText()) && block.path("text").isTextual()) {
                    out.add(block);
                }
            }
        }
        return out;
    }

    /** Counts and audits what was replaced in an answer (complete or streamed). */
    void recordAnswer(Exchange exchange, List<String> found) {
        if (found.isEmpty()) {
            return;
        }
        responseValues.increment(found.size());
        context.audit().record(AuditEvent.of(exchange, "ai", TYPE, "redact", TYPE,
                "PII replaced in the model's answer",
                Map.of("kinds", String.join(",", new TreeSet<>(found)), "count", Integer.toString(found.size()), "phase", "response")));
    }

    @Override
    public StreamHook onStream(Exchange exchange) {
        ChatWire wire = ChatWire.of(exchange.request().path());
        if (!config.responses() || wire == null) {
            return null;
        }
        return new PiiStreamHook(wire, redactor, exchange.attributes().get(PLACEHOLDERS).orElse(null), config.holdBack(),
                found -> recordAnswer(exchange, found));
    }
}
