package dev.portcullis.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A body as rules see it: its scalar values ({@link Leaf}s) with their locations. JSON is a
 * Jackson tree, a form is a tree of fields (a repeated field is an array), anything else is one
 * text leaf at {@code $}. After redaction the document writes itself back in its own format.
 */
final class Document {

    /** How the body was read. */
    enum Format { JSON, FORM, TEXT }

    private final Format format;
    private JsonNode tree;
    private String text;
    private final List<Leaf> leaves;

    private Document(Format format, JsonNode tree, String text, List<Leaf> leaves) {
        this.format = format;
        this.tree = tree;
        this.text = text;
        this.leaves = leaves;
    }

    /** A JSON document; {@code null} if {@code bytes} is not JSON. */
    static Document json(ObjectMapper mapper, byte[] bytes) {
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
        if (tree == null || tree.isMissingNode()) {
            return null;
        }
        List<Leaf> leaves = new ArrayList<>();
        collect(tree, null, null, new ArrayList<>(), leaves);
        return new Document(Format.JSON, tree, null, leaves);
    }

    /** A form ({@code a=1&b=2}); {@code null} if the encoding is broken. */
    static Document form(String body, Charset charset) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        try {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
                JsonNode existing = tree.get(name);
                if (existing == null) {
                    tree.put(name, value);
                } else if (existing instanceof ArrayNode array) {
                    array.add(value);
                } else {
                    tree.putArray(name).add(existing).add(value);
                }
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        List<Leaf> leaves = new ArrayList<>();
        collect(tree, null, null, new ArrayList<>(), leaves);
        return new Document(Format.FORM, tree, null, leaves);
    }

    /** A text document: one leaf. */
    static Document text(String text) {
        return new Document(Format.TEXT, null, text, List.of(Leaf.root(text)));
    }

    private static void collect(JsonNode node, JsonNode parent, Object key, List<Object> location, List<Leaf> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                location.add(e.getKey());
                collect(e.getValue(), node, e.getKey(), location, out);
                location.removeLast();
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                location.add(i);
                collect(node.get(i), node, i, location, out);
                location.removeLast();
            }
        } else if (!node.isNull() && !node.isMissingNode()) {
            out.add(Leaf.inTree(location.toArray(), node.asText(), parent, key));
        }
    }

    Format format() {
        return format;
    }

    /** Every scalar value, in document order. */
    List<Leaf> leaves() {
        return leaves;
    }

    /** Replaces the value of {@code leaf} (already part of this document). */
    void replace(Leaf leaf, String replacement) {
        if (!leaf.replaceInTree(replacement)) {
            if (format == Format.TEXT) {
                text = replacement;
            } else {
                tree = TextNode.valueOf(replacement); // a JSON document that is a single scalar
            }
        }
    }

    /** The document in its own format, e.g. after redaction. */
    byte[] serialize(ObjectMapper mapper, Charset charset) {
        return switch (format) {
            case TEXT -> text.getBytes(charset);
            case JSON -> {
                try {
                    yield mapper.writeValueAsBytes(tree);
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case FORM -> {
                StringBuilder sb = new StringBuilder();
                for (Iterator<Map.Entry<String, JsonNode>> it = tree.properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    for (JsonNode v : e.getValue().isArray() ? e.getValue() : List.of(e.getValue())) {
                        if (!sb.isEmpty()) {
                            sb.append('&');
                        }
                        sb.append(URLEncoder.encode(e.getKey(), charset)).append('=')
                                .append(URLEncoder.encode(v.asText(), charset));
                    }
                }
                yield sb.toString().getBytes(charset);
            }
        };
    }
}
