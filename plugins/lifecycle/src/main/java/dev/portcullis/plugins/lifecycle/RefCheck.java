package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Follows every {@code $ref} reachable from a schema once, at load time. The validator resolves
 * references lazily, so without this a dangling one would surface as an error on the first
 * request that reaches it instead of as a config error at start.
 */
final class RefCheck {

    /** Keywords whose values are data, not schemas: a "$ref" key inside them is not a reference. */
    private static final Set<String> DATA_KEYWORDS = Set.of("enum", "const", "default", "example", "examples");

    private final SchemaRegistry registry;
    private final Map<String, JsonNode> documents = new HashMap<>();
    private final Set<String> seen = new HashSet<>();

    RefCheck(SchemaRegistry registry, String base, JsonNode root) {
        this.registry = registry;
        documents.put(base, root);
    }

    /**
     * Checks the schema {@code node} found in document {@code iri}.
     *
     * @throws IllegalArgumentException naming the first reference that points at nothing
     */
    void check(String iri, JsonNode node) {
        if (node.isArray()) {
            node.forEach(n -> check(iri, n));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual()) {
            follow(iri, ref.asText());
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (!DATA_KEYWORDS.contains(f.getKey())) {
                check(iri, f.getValue());
            }
        }
    }

    private void follow(String iri, String ref) {
        URI target = URI.create(iri).resolve(ref);
        if (!seen.add(target.toString())) {
            return;
        }
        String text = target.toString();
        int hash = text.indexOf('#');
        String doc = hash < 0 ? text : text.substring(0, hash);
        String fragment = target.getFragment() == null ? "" : target.getFragment(); // percent-decoded pointer
        JsonNode root = documents.computeIfAbsent(doc, this::load);
        JsonNode node = root.at(fragment);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("$ref '" + ref + "' points at nothing");
        }
        check(doc, node);
    }

    private JsonNode load(String doc) {
        try {
            return registry.getSchema(SchemaLocation.of(doc)).getSchemaNode();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot load referenced document " + doc
                    + " (only files beside the spec are read): " + e.getMessage(), e);
        }
    }
}
