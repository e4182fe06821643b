package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.List;

/**
 * Turns parameter strings into JSON values by the schema's declared type, so the schema validator
 * sees {@code 42} for {@code ?limit=42} and {@code "abc"} (a type error) for {@code ?limit=abc}.
 * Styles: {@code form} (query; exploded repeats or comma lists) and {@code simple} (path, header).
 */
final class ParameterValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ParameterValues() {}

    /**
     * The JSON value of a parameter.
     *
     * @param raw      the values as received (a query parameter may repeat)
     * @param shape    the parameter's resolved schema (for its {@code type} and {@code items})
     * @param exploded whether arrays come as repeated values rather than one comma list
     */
    static JsonNode coerce(List<String> raw, Shape shape, boolean exploded) {
        if (shape.array()) {
            ArrayNode array = NODES.arrayNode();
            for (String value : raw) {
                if (exploded) {
                    array.add(scalar(value, shape.itemTypes()));
                } else {
                    for (String part : value.split(",", -1)) {
                        array.add(scalar(part, shape.itemTypes()));
                    }
                }
            }
            return array;
        }
        return scalar(raw.get(0), shape.types());
    }

    /** The first type the text parses as, in the order integer, number, boolean; else a string. */
    static JsonNode scalar(String text, List<String> types) {
        for (String t : types) {
            switch (t) {
                case "integer" -> {
                    JsonNode n = integer(text);
                    if (n != null) {
                        return n;
                    }
                }
                case "number" -> {
                    JsonNode n = integer(text);
                    if (n != null) {
                        return n;
                    }
                    try {
                        return NODES.numberNode(new BigDecimal(text));
                    } catch (NumberFormatException e) {
                        // not a number: left as text for the validator to report
                    }
                }
                case "boolean" -> {
                    if (text.equals("true") || text.equals("false")) {
                        return NODES.booleanNode(text.equals("true"));
                    }
                }
                default -> {
                }
            }
        }
        return NODES.textNode(text);
    }

    private static JsonNode integer(String text) {
        if (text.isEmpty() || text.length() > 19) {
            return null;
        }
        int i = text.charAt(0) == '-' ? 1 : 0;
        if (i == text.length()) {
            return null;
        }
        for (int j = i; j < text.length(); j++) {
            if (!Character.isDigit(text.charAt(j))) {
                return null;
            }
        }
        try {
            return NODES.numberNode(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * What coercion needs to know of a parameter schema, read once from the spec.
     *
     * @param types     the declared scalar types, in coercion order (integer, number, boolean)
     * @param array     whether the parameter is an array
     * @param itemTypes the item types of an array
     */
    record Shape(List<String> types, boolean array, List<String> itemTypes) {

        /** The shape of a resolved schema node. */
        static Shape of(JsonNode schema, java.util.function.UnaryOperator<JsonNode> resolve) {
            List<String> types = typesOf(schema);
            if (types.contains("array")) {
                JsonNode items = schema.path("items");
                return new Shape(types, true, items.isObject() ? typesOf(resolve.apply(items)) : List.of());
            }
            return new Shape(types, false, List.of());
        }

        private static List<String> typesOf(JsonNode schema) {
            JsonNode type = schema.path("type");
            java.util.Set<String> declared = new java.util.HashSet<>();
            if (type.isTextual()) {
                declared.add(type.asText());
            } else if (type.isArray()) {
                type.forEach(t -> declared.add(t.asText()));
            }
            return java.util.stream.Stream.of("integer", "number", "boolean", "array")
                    .filter(declared::contains).toList();
        }
    }
}
