package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.llm.ChatRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The plugin's one JSON mapper and the few helpers the wire formats share. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a JSON document; malformed input is the caller's error. */
    static JsonNode parse(byte[] bytes) {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw new IllegalArgumentException("empty JSON body");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON");
        }
    }

    static JsonNode parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses JSON text, or returns an empty object when it is not JSON (a model's broken tool arguments). */
    static JsonNode parseOrEmpty(String text) {
        if (text == null || text.isBlank()) {
            return object();
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            return n == null || n.isMissingNode() ? object() : n;
        } catch (IOException e) {
            return object();
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text field, or null when absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static long longValue(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isNumber() ? 0 : v.asLong();
    }

    static Integer intOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException("'" + field + "' must be an integer");
        }
        return v.intValue();
    }

    static Double doubleOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a number");
        }
        return v.doubleValue();
    }

    /** The field as the raw JSON text of an object (a schema, tool input). */
    static String raw(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : write(node);
    }

    /** The top-level fields of {@code root} not in {@code known}, as JSON text, for {@code wire}. */
    static ChatRequest.Extras extras(JsonNode root, Set<String> known, String wire) {
        Map<String, String> out = null;
        for (var it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!known.contains(e.getKey())) {
                if (out == null) {
                    out = new LinkedHashMap<>();
                }
                out.put(e.getKey(), write(e.getValue()));
            }
        }
        return out == null ? null : new ChatRequest.Extras(wire, out);
    }

    /** Copies extra fields for {@code wire} into a provider body; fields the body already has win. */
    static void addExtras(ObjectNode body, ChatRequest.Extras extras, String wire) {
        if (!extras.isFor(wire)) {
            return;
        }
        extras.fields().forEach((name, json) -> {
            if (!body.has(name)) {
                body.set(name, parse(json));
            }
        });
    }

    /** The required field, or an error naming it. */
    static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return v;
    }
}
