package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code x-mcp-header} annotations of listed tools (protocol 2026-07-28): which argument each
 * {@code Mcp-Param-<Name>} header mirrors, learned from listings (per node), so a stateless
 * {@code tools/call} can be checked: every annotated argument present in the body must come with
 * its header, equal after Base64 decoding (integers compared as numbers).
 */
final class ParamHeaders {

    private static final int MAX_TOOLS = 10_000;

    /** public tool name → header name (lower case) → property path from the arguments' root. */
    private final Map<String, Map<String, List<String>>> byTool = new ConcurrentHashMap<>();

    /** Learns (or forgets) the annotations of a tool as listed under {@code publicName}. */
    void learn(String publicName, JsonNode inputSchema) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        collect(inputSchema, new ArrayList<>(), found, 0);
        if (found.isEmpty()) {
            byTool.remove(publicName);
            return;
        }
        if (byTool.size() >= MAX_TOOLS) {
            byTool.clear();
        }
        byTool.put(publicName, found);
    }

    /** Annotated properties, reachable only through {@code properties} keys (as the revision requires). */
    private static void collect(JsonNode schema, List<String> path, Map<String, List<String>> found, int depth) {
        JsonNode props = schema == null ? null : schema.get("properties");
        if (props == null || !props.isObject() || depth > 16) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            JsonNode header = e.getValue().get("x-mcp-header");
            if (header != null && header.isTextual() && !header.textValue().isEmpty()) {
                found.put(header.textValue().toLowerCase(Locale.ROOT), List.copyOf(p));
            }
            collect(e.getValue(), p, found, depth + 1);
        }
    }

    /**
     * The mismatch in a call's headers, or null when they match (or the tool's annotations are not
     * known on this node). {@code header} looks a request header up by name.
     */
    String mismatch(String publicName, JsonNode arguments, java.util.function.Function<String, String> header) {
        Map<String, List<String>> annotated = byTool.get(publicName);
        if (annotated == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> a : annotated.entrySet()) {
            JsonNode value = arguments;
            for (String step : a.getValue()) {
                value = value == null ? null : value.get(step);
            }
            String name = "Mcp-Param-" + a.getKey();
            String sent = header.apply(name);
            if (value == null || value.isNull()) {
                continue; // the header must not be expected
            }
            if (sent == null) {
                return "the " + name + " header is missing for argument " + String.join(".", a.getValue());
            }
            String decoded = Stateless.decode(sent);
            if (decoded == null || !matches(decoded, value)) {
                return name + " header value does not match the body";
            }
        }
        return null;
    }

    /** The {@code Mcp-Param-*} headers a call of {@code tool} with {@code arguments} must carry (as a client). */
    Map<String, String> headersFor(String tool, JsonNode arguments) {
        Map<String, List<String>> annotated = byTool.get(tool);
        if (annotated == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> a : annotated.entrySet()) {
            JsonNode value = arguments;
            for (String step : a.getValue()) {
                value = value == null ? null : value.get(step);
            }
            if (value == null || value.isNull() || value.isContainerNode()) {
                continue;
            }
            String text = value.isTextual() ? value.textValue() : value.isBoolean() ? Boolean.toString(value.booleanValue())
                    : value.canConvertToExactIntegral() ? value.bigIntegerValue().toString() : value.asText();
            out.put("Mcp-Param-" + a.getKey(), StatelessUpstream.headerValue(text));
        }
        return out;
    }

    private static boolean matches(String header, JsonNode value) {
        if (value.isTextual()) {
            return header.equals(value.textValue());
        }
        if (value.isBoolean()) {
            return header.equals(value.booleanValue() ? "true" : "false");
        }
        if (value.isNumber()) {
            try {
                return new java.math.BigDecimal(header).compareTo(value.decimalValue()) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false; // objects and arrays cannot be mirrored
    }
}
