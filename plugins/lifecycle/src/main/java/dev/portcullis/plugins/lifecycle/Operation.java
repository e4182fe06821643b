package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.portcullis.spi.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One documented operation (method + path) with everything needed to validate it, compiled once. */
final class Operation {

    /** Header parameters OpenAPI says to ignore: they are described elsewhere in the document. */
    static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");

    private static final Set<String> MEMBER_KEYWORDS = Set.of("required", "additionalProperties", "unevaluatedProperties");
    private static final Set<String> ITEM_KEYWORDS = Set.of("items", "additionalItems", "unevaluatedItems");

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * A parameter.
     *
     * @param in       {@code path}, {@code query} or {@code header}
     * @param schema   the compiled schema, or null to check presence only
     * @param shape    the schema's type, for turning strings into JSON values
     * @param exploded whether a query array comes as repeated parameters
     */
    record Parameter(String name, String in, boolean required, Schema schema, ParameterValues.Shape shape, boolean exploded) {}

    /**
     * A request body.
     *
     * @param content media type essence (may be a range like {@code application/*}) to schema (null: any)
     */
    record Body(boolean required, Map<String, Schema> content) {}

    private final String method;
    private final String path;
    private final List<Parameter> parameters;
    private final Body body;
    private final Map<String, Map<String, Schema>> responses;

    Operation(String method, String path, List<Parameter> parameters, Body body, Map<String, Map<String, Schema>> responses) {
        this.method = method;
        this.path = path;
        this.parameters = parameters;
        this.body = body;
        this.responses = responses;
    }

    /** E.g. {@code POST /pets}. */
    @Override
    public String toString() {
        return method + " " + path;
    }

    /**
     * Every violation of the request; empty when it conforms. Reads the body (at most
     * {@code maxBody}) only if the operation documents one; the body then flows on unchanged.
     *
     * @throws dev.portcullis.spi.BodyTooLargeException when the body is larger than {@code maxBody}
     */
    List<Violation> validate(Request request, Map<String, String> pathValues, long maxBody) {
        List<Violation> out = new ArrayList<>(0);
        for (Parameter p : parameters) {
            List<String> raw = switch (p.in()) {
                case "path" -> pathValues.containsKey(p.name()) ? List.of(pathValues.get(p.name())) : null;
                case "query" -> request.queryParams().get(p.name());
                case "header" -> {
                    List<String> all = request.headers().all(p.name());
                    yield all.isEmpty() ? null : all;
                }
                default -> null;
            };
            if (raw == null || raw.isEmpty()) {
                if (p.required()) {
                    out.add(new Violation(p.in(), "/" + p.name(), "required " + p.in() + " parameter '" + p.name() + "' is missing"));
                }
                continue;
            }
            if (p.schema() != null) {
                JsonNode value = ParameterValues.coerce(raw, p.shape(), p.exploded());
                addErrors(out, p.in(), "/" + Pointers.escape(p.name()), p.schema().validate(value));
            }
        }
        if (body != null) {
            validateBody(request, maxBody, out);
        }
        return out;
    }

    private void validateBody(Request request, long maxBody, List<Violation> out) {
        String contentType = MediaTypes.essence(request.headers().get("Content-Type"));
        boolean empty = request.body().isEmpty() || (request.body().length() < 0 && request.body().bytes(maxBody).length == 0);
        if (empty) {
            if (body.required()) {
                out.add(new Violation("body", "", "a request body is required"));
            }
            return;
        }
        if (contentType == null) {
            out.add(new Violation("header", "/Content-Type", "Content-Type is missing; expected one of " + body.content().keySet()));
            return;
        }
        String key = MediaTypes.lookup(body.content().keySet(), contentType);
        if (key == null) {
            out.add(new Violation("header", "/Content-Type", "content type '" + contentType + "' is not accepted; expected one of "
                    + body.content().keySet()));
            return;
        }
        Schema schema = body.content().get(key);
        if (schema == null || !MediaTypes.isJson(contentType)) {
            return; // only JSON bodies are validated against schemas
        }
        JsonNode json;
        try {
            json = JSON.readTree(request.body().bytes(maxBody));
        } catch (JsonProcessingException e) {
            out.add(new Violation("body", "", "not valid JSON: " + e.getOriginalMessage()));
            return;
        } catch (IOException e) {
            out.add(new Violation("body", "", "unreadable: " + e.getMessage()));
            return;
        }
        addErrors(out, "body", "", schema.validate(json));
    }

    /**
     * Every violation of a JSON response body, or an empty list when the status and media type have
     * no schema in the document (nothing to hold it to).
     */
    List<Violation> validateResponse(int status, String contentType, byte[] bytes) {
        Map<String, Schema> content = responses.get(Integer.toString(status));
        if (content == null) {
            content = responses.get((status / 100) + "XX");
        }
        if (content == null) {
            content = responses.get("DEFAULT");
        }
        String essence = MediaTypes.essence(contentType);
        if (content == null || essence == null || !MediaTypes.isJson(essence)) {
            return List.of();
        }
        String key = MediaTypes.lookup(content.keySet(), essence);
        Schema schema = key == null ? null : content.get(key);
        if (schema == null) {
            return List.of();
        }
        List<Violation> out = new ArrayList<>(0);
        try {
            addErrors(out, "body", "", schema.validate(JSON.readTree(bytes)));
        } catch (IOException e) {
            out.add(new Violation("body", "", "not valid JSON: " + e.getMessage()));
        }
        return out;
    }

    /** Whether a response with this status may have a schema to check (avoids reading other bodies). */
    boolean documentsResponse(int status) {
        return responses.containsKey(Integer.toString(status)) || responses.containsKey((status / 100) + "XX")
                || responses.containsKey("DEFAULT");
    }

    private static void addErrors(List<Violation> out, String location, String prefix, List<Error> errors) {
        for (Error e : errors) {
            // point at the offending member: the missing, unexpected or surplus one, not its container
            String pointer = prefix + e.getInstanceLocation().toString();
            if (e.getProperty() != null && MEMBER_KEYWORDS.contains(e.getKeyword())) {
                pointer = pointer + "/" + Pointers.escape(e.getProperty());
            } else if (e.getIndex() != null && ITEM_KEYWORDS.contains(e.getKeyword())) {
                pointer = pointer + "/" + e.getIndex();
            }
            out.add(new Violation(location, pointer, e.getMessage()));
        }
    }
}
