package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** JSON-RPC 2.0 message shapes and error codes, as MCP uses them. */
final class JsonRpc {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** The gateway refused or could not carry the message (session, origin, upstream failure, policy). */
    static final int GATEWAY_ERROR = -32000;
    /** An {@code McpAuthorizer} denied the call. */
    static final int DENIED = -32001;

    /** What a message is. */
    enum Kind { REQUEST, NOTIFICATION, RESPONSE, INVALID }

    private JsonRpc() {}

    /** Classifies one message; {@link Kind#INVALID} for anything JSON-RPC 2.0 does not allow. */
    static Kind kind(JsonNode m) {
        if (!m.isObject() || !"2.0".equals(m.path("jsonrpc").asText(null))) {
            return Kind.INVALID;
        }
        JsonNode method = m.get("method");
        JsonNode id = m.get("id");
        JsonNode params = m.get("params");
        if (params != null && !params.isObject() && !params.isArray()) {
            return Kind.INVALID;
        }
        if (method != null) {
            if (!method.isTextual()) {
                return Kind.INVALID;
            }
            if (id == null) {
                return Kind.NOTIFICATION;
            }
            return validId(id) ? Kind.REQUEST : Kind.INVALID;
        }
        boolean result = m.has("result");
        boolean error = m.has("error");
        return id != null && (id.isTextual() || id.isIntegralNumber()) && result != error ? Kind.RESPONSE : Kind.INVALID;
    }

    /** MCP ids are strings or integers, never null. */
    static boolean validId(JsonNode id) {
        return id.isTextual() || id.isIntegralNumber();
    }

    /**
     * Whether {@code json} is one response to the request {@code id}: an object with
     * {@code "jsonrpc": "2.0"}, that id, and exactly one of {@code result} and {@code error}.
     * Streams over the text without building a tree (a tool result may be large).
     */
    static boolean isResponseTo(String json, JsonNode id) {
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean version = false;
            boolean sameId = false;
            int outcomes = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "jsonrpc" -> version = value == JsonToken.VALUE_STRING && "2.0".equals(p.getText());
                    case "id" -> sameId = value == JsonToken.VALUE_STRING ? id.isTextual() && id.textValue().equals(p.getText())
                            : value == JsonToken.VALUE_NUMBER_INT && id.isIntegralNumber() && id.bigIntegerValue().equals(p.getBigIntegerValue());
                    case "result", "error" -> outcomes++;
                    case "method" -> {
                        return false;
                    }
                    default -> { }
                }
                p.skipChildren();
            }
            return version && sameId && outcomes == 1 && p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The id of a message if it has a usable one, else JSON null (for error replies). */
    static JsonNode idOf(JsonNode m) {
        JsonNode id = m == null ? null : m.get("id");
        return id != null && validId(id) ? id : NullNode.instance;
    }

    /** A success response. */
    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode o = NODES.objectNode();
        o.put("jsonrpc", "2.0");
        o.set("id", id);
        o.set("result", result);
        return o;
    }

    /** An error response. */
    static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode o = NODES.objectNode();
        o.put("jsonrpc", "2.0");
        o.set("id", id == null ? NullNode.instance : id);
        ObjectNode e = o.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return o;
    }

    /** The error object of an error response, to add {@code data}. */
    static ObjectNode errorData(ObjectNode response) {
        return ((ObjectNode) response.get("error")).putObject("data");
    }

    /** A request message. */
    static ObjectNode request(JsonNode id, String method, JsonNode params) {
        ObjectNode o = NODES.objectNode();
        o.put("jsonrpc", "2.0");
        o.set("id", id);
        o.put("method", method);
        if (params != null) {
            o.set("params", params);
        }
        return o;
    }

    /** A notification message. */
    static ObjectNode notification(String method, JsonNode params) {
        ObjectNode o = NODES.objectNode();
        o.put("jsonrpc", "2.0");
        o.put("method", method);
        if (params != null) {
            o.set("params", params);
        }
        return o;
    }

    /** Serialises a message. */
    static byte[] bytes(JsonNode m) {
        try {
            return MAPPER.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Serialises a message as text. */
    static String text(JsonNode m) {
        return m.toString();
    }
}
