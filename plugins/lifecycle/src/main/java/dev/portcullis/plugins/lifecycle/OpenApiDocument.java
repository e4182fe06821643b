package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.path.PathType;
import dev.portcullis.spi.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OpenAPI 3.0 or 3.1 document, read and compiled once: its paths as templates, each operation
 * with its parameter and body schemas compiled by the JSON Schema validator in the document's
 * dialect (OpenAPI 3.0's schema object, or 3.1's JSON Schema 2020-12 dialect).
 */
final class OpenApiDocument {

    static final String[] METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] json;
    private final List<PathItem> paths;

    /**
     * The operations of one path template.
     *
     * @param template   the compiled template
     * @param operations by upper-case method
     * @param allow      the {@code Allow} header value for a 405
     */
    record PathItem(PathTemplate template, Map<String, Operation> operations, String allow) {}

    /** A request's path matched to a documented path: its item and the path parameter values. */
    record Match(PathItem item, Map<String, String> pathValues) {}

    private OpenApiDocument(byte[] json, List<PathItem> paths) {
        this.json = json;
        this.paths = paths;
    }

    /**
     * Reads and compiles {@code file}.
     *
     * @throws ConfigException at {@code spec} with the file and the parser's or validator's message
     */
    static OpenApiDocument load(Path file) {
        String where = file.toString();
        JsonNode root;
        try {
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            root = (name.endsWith(".json") ? JSON : YAML).readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ConfigException("spec", where + " is not valid YAML or JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException("spec", "cannot read " + where + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("spec", where + " is not an OpenAPI document (expected a mapping at the top)");
        }
        String version = root.path("openapi").asText("");
        boolean v31 = version.startsWith("3.1.");
        if (!v31 && !version.startsWith("3.0.")) {
            String found = root.has("swagger") ? "Swagger " + root.path("swagger").asText() : "'" + version + "'";
            throw new ConfigException("spec", where + ": unsupported OpenAPI version " + found
                    + " (the 'openapi' field must be 3.0.x or 3.1.x)");
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new ConfigException("spec", where + ": " + e.getOriginalMessage());
        }
        SchemaRegistry registry = registry(file, json, v31 ? Dialects.getOpenApi31() : Dialects.getOpenApi30());
        Compiler compiler = new Compiler(root, file.toUri().toString(), registry);
        List<PathItem> items = new ArrayList<>();
        JsonNode paths = root.path("paths");
        var it = paths.fields();
        while (it.hasNext()) {
            var e = it.next();
            String pointer = "/paths/" + Pointers.escape(e.getKey());
            try {
                items.add(compiler.pathItem(e.getKey(), pointer, e.getValue()));
            } catch (SchemaException | IllegalArgumentException | IllegalStateException ex) {
                throw new ConfigException("spec", where + ": " + ex.getMessage());
            }
        }
        // concrete paths before templated ones (OpenAPI 3 "Path Templating Matching")
        items.sort(Comparator.comparingInt((PathItem p) -> -p.template().literalCount()));
        return new OpenApiDocument(json, List.copyOf(items));
    }

    private static SchemaRegistry registry(Path file, byte[] json, Dialect dialect) {
        Path dir = file.toAbsolutePath().getParent();
        String base = file.toUri().toString();
        String text = new String(json, StandardCharsets.UTF_8);
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .build();
        // document-level fields (paths, info, ...) and x- extensions are not schema keywords: annotations, silently
        Dialect quiet = Dialect.builder(dialect).unknownKeywordFactory((name, ctx) -> new AnnotationKeyword(name)).build();
        return SchemaRegistry.withDefaultDialect(quiet, b -> b
                .schemaRegistryConfig(config)
                // the document itself from memory; other files only from beside it, never the network
                .schemas(iri -> iri.equals(base) ? text : null)
                .schemaLoader(l -> l.resourceLoaders(r -> r.add(new LocalFiles(dir)))));
    }

    /** The document as JSON, for serving. */
    byte[] json() {
        return json;
    }

    /** The documented path that {@code path} (already without base path) matches, or null. */
    Match match(String path) {
        String[] segments = PathTemplate.split(path);
        for (PathItem item : paths) {
            if (item.template().size() != segments.length) {
                continue;
            }
            Map<String, String> values = item.template().match(segments);
            if (values != null) {
                return new Match(item, values);
            }
        }
        return null;
    }

    /** Builds path items and operations, following local {@code $ref}s of non-schema objects. */
    private static final class Compiler {

        private final JsonNode root;
        private final String base;
        private final SchemaRegistry registry;
        private final RefCheck refs;

        Compiler(JsonNode root, String base, SchemaRegistry registry) {
            this.root = root;
            this.base = base;
            this.registry = registry;
            this.refs = new RefCheck(registry, base, root);
        }

        PathItem pathItem(String template, String pointer, JsonNode node) {
            Located item = resolve(new Located(node, pointer));
            List<Operation.Parameter> shared = parameters(item.child("parameters"));
            Map<String, Operation> operations = new LinkedHashMap<>();
            List<String> allow = new ArrayList<>();
            for (String method : METHODS) {
                if (!item.node().has(method)) {
                    continue;
                }
                Located op = resolve(item.child(method));
                String upper = method.toUpperCase(Locale.ROOT);
                List<Operation.Parameter> own = parameters(op.child("parameters"));
                operations.put(upper, new Operation(upper, template, merge(shared, own),
                        body(op.child("requestBody")), responses(op.child("responses"))));
                allow.add(upper);
            }
            return new PathItem(new PathTemplate(template), Map.copyOf(operations), String.join(", ", allow));
        }

        /** Operation parameters override path-item ones with the same name and location. */
        private static List<Operation.Parameter> merge(List<Operation.Parameter> shared, List<Operation.Parameter> own) {
            List<Operation.Parameter> out = new ArrayList<>(own);
            for (Operation.Parameter p : shared) {
                if (own.stream().noneMatch(o -> o.name().equalsIgnoreCase(p.name()) && o.in().equals(p.in()))) {
                    out.add(p);
                }
            }
            return List.copyOf(out);
        }

        private List<Operation.Parameter> parameters(Located list) {
            if (!list.node().isArray()) {
                return List.of();
            }
            List<Operation.Parameter> out = new ArrayList<>();
            for (int i = 0; i < list.node().size(); i++) {
                Located p = resolve(list.child(i));
                String name = p.node().path("name").asText(null);
                String in = p.node().path("in").asText(null);
                if (name == null || in == null) {
                    throw new IllegalArgumentException(p.pointer() + ": a parameter needs 'name' and 'in'");
                }
                if (in.equals("cookie") || (in.equals("header") && Operation.IGNORED_HEADERS.contains(name.toLowerCase(Locale.ROOT)))) {
                    continue; // cookies are not validated; Accept, Content-Type, Authorization are ignored by the spec
                }
                Located schema = p.child("schema");
                if (!schema.node().isObject()) {
                    // a content-typed parameter (rare): only its presence is checked
                    out.add(new Operation.Parameter(name, in, required(p, in), null, null, true));
                    continue;
                }
                String style = p.node().path("style").asText(in.equals("query") ? "form" : "simple");
                boolean exploded = p.node().path("explode").asBoolean(style.equals("form"));
                ParameterValues.Shape shape = ParameterValues.Shape.of(resolve(schema).node(),
                        n -> resolve(new Located(n, "")).node());
                out.add(new Operation.Parameter(name, in, required(p, in), schema(schema), shape,
                        exploded && in.equals("query")));
            }
            return out;
        }

        private static boolean required(Located p, String in) {
            return in.equals("path") || p.node().path("required").asBoolean(false);
        }

        private Operation.Body body(Located requestBody) {
            if (requestBody.node().isMissingNode()) {
                return null;
            }
            Located body = resolve(requestBody);
            return new Operation.Body(body.node().path("required").asBoolean(false), content(body.child("content")));
        }

        private Map<String, Map<String, Schema>> responses(Located responses) {
            Map<String, Map<String, Schema>> out = new LinkedHashMap<>();
            var it = responses.node().fields();
            while (it.hasNext()) {
                String status = it.next().getKey();
                Located r = resolve(responses.child(status));
                out.put(status.toUpperCase(Locale.ROOT), content(r.child("content")));
            }
            return Map.copyOf(out);
        }

        /** Media type (essence, lower case) to compiled schema; a media type without schema maps to null. */
        private Map<String, Schema> content(Located content) {
            Map<String, Schema> out = new LinkedHashMap<>();
            var it = content.node().fields();
            while (it.hasNext()) {
                String mediaType = it.next().getKey();
                Located schema = content.child(mediaType).child("schema");
                out.put(MediaTypes.essence(mediaType), schema.node().isMissingNode() ? null : schema(schema));
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        /** Compiles the schema at {@code at}; its {@code $ref}s resolve within the document (or files beside it). */
        private Schema schema(Located at) {
            try {
                Schema schema = registry.getSchema(SchemaLocation.of(base + "#" + at.pointer()));
                // resolve every $ref now: a dangling one is a config error, not a 500 on the first request
                refs.check(base, at.node());
                return schema;
            } catch (SchemaException | IllegalArgumentException e) {
                throw new IllegalArgumentException(at.pointer() + ": " + e.getMessage(), e);
            }
        }

        /** Follows {@code $ref}s to components of this document ({@code #/components/...}). */
        Located resolve(Located at) {
            Located cur = at;
            for (int depth = 0; depth < 16; depth++) {
                JsonNode ref = cur.node().get("$ref");
                if (ref == null || !ref.isTextual()) {
                    return cur;
                }
                String r = ref.asText();
                if (!r.startsWith("#/")) {
                    // schemas may point at other files (the validator loads them); other objects must be local
                    if (cur.pointer().endsWith("/schema") || cur.pointer().isEmpty()) {
                        return cur;
                    }
                    throw new IllegalArgumentException(cur.pointer() + ": only local references (#/...) are supported here, not '" + r + "'");
                }
                JsonNode target = root.at(r.substring(1));
                if (target.isMissingNode()) {
                    throw new IllegalArgumentException(cur.pointer() + ": $ref '" + r + "' points at nothing");
                }
                cur = new Located(target, r.substring(1));
            }
            throw new IllegalArgumentException(at.pointer() + ": $ref chain too deep or circular");
        }
    }

    /** A node of the document with its JSON pointer. */
    record Located(JsonNode node, String pointer) {
        Located child(String name) {
            return new Located(node.path(name), pointer + "/" + Pointers.escape(name));
        }

        Located child(int index) {
            return new Located(node.path(index), pointer + "/" + index);
        }
    }
}
