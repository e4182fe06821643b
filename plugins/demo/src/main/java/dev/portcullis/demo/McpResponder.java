package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal MCP server over the Streamable HTTP transport, for the demo: tools only, stateless (no
 * {@code Mcp-Session-Id}, no server-initiated stream), every answer a single JSON response.
 * Handles {@code initialize} (version negotiation), {@code ping}, {@code tools/list},
 * {@code tools/call}, and accepts notifications and responses with 202. Batches are refused.
 *
 * <p>Hand-written because the official MCP Java SDK's server transports need a servlet container;
 * the demo plugin stays small, and the SDK client talks to this responder in the plugin's tests.
 */
final class McpResponder implements HttpHandler {

    /** Protocol revisions this responder speaks, newest first. */
    static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;

    /** One tool of the server. */
    interface Tool {
        String name();

        String description();

        /** The JSON schema of the arguments. */
        ObjectNode inputSchema();

        /** Runs the tool; a failure the agent should see is a result with {@code error} set. */
        Result call(JsonNode arguments, String correlationId);
    }

    /** A tool's answer: one text, and whether it reports an error. */
    record Result(String text, boolean error) {
    }

    private final String name;
    private final String instructions;
    private final Map<String, Tool> tools = new LinkedHashMap<>();

    McpResponder(String name, String instructions, List<Tool> tools) {
        this.name = name;
        this.instructions = instructions;
        tools.forEach(t -> this.tools.put(t.name(), t));
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            // no server-initiated stream (GET) and no session to end (DELETE)
            ex.getResponseHeaders().set("Allow", "POST");
            DemoHttp.send(ex, 405, null, new byte[0]);
            return;
        }
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            reply(ex, 415, error(null, INVALID_REQUEST, "Content-Type must be application/json"));
            return;
        }
        String version = ex.getRequestHeaders().getFirst("MCP-Protocol-Version");
        if (version != null && !VERSIONS.contains(version)) {
            reply(ex, 400, error(null, INVALID_REQUEST, "unsupported MCP-Protocol-Version: " + version));
            return;
        }
        JsonNode msg = DemoHttp.jsonBody(ex);
        if (msg == null) {
            reply(ex, 400, error(null, PARSE_ERROR, "the body is not JSON"));
            return;
        }
        if (msg.isArray()) {
            reply(ex, 400, error(null, INVALID_REQUEST, "batches are not supported"));
            return;
        }
        if (!msg.isObject() || !"2.0".equals(msg.path("jsonrpc").asText(null))) {
            reply(ex, 400, error(null, INVALID_REQUEST, "not a JSON-RPC 2.0 message"));
            return;
        }
        JsonNode id = msg.get("id");
        JsonNode method = msg.get("method");
        if (method == null || id == null) {
            DemoHttp.send(ex, 202, null, new byte[0]); // a notification or a response: nothing to answer
            return;
        }
        reply(ex, 200, dispatch(id, method.asText(""), msg.path("params"), DemoHttp.correlationId(ex)));
    }

    private ObjectNode dispatch(JsonNode id, String method, JsonNode params, String correlationId) {
        return switch (method) {
            case "initialize" -> result(id, initialize(params));
            case "ping" -> result(id, DemoHttp.JSON.createObjectNode());
            case "tools/list" -> result(id, list());
            case "tools/call" -> call(id, params, correlationId);
            default -> error(id, METHOD_NOT_FOUND, "method not found: " + method);
        };
    }

    private ObjectNode initialize(JsonNode params) {
        String asked = params.path("protocolVersion").asText("");
        ObjectNode r = DemoHttp.JSON.createObjectNode();
        r.put("protocolVersion", VERSIONS.contains(asked) ? asked : VERSIONS.getFirst());
        r.putObject("capabilities").putObject("tools").put("listChanged", false);
        r.putObject("serverInfo").put("name", "portcullis-demo-" + name).put("version", "1.0.0");
        r.put("instructions", instructions);
        return r;
    }

    private ObjectNode list() {
        ObjectNode r = DemoHttp.JSON.createObjectNode();
        ArrayNode list = r.putArray("tools");
        for (Tool t : tools.values()) {
            ObjectNode d = list.addObject();
            d.put("name", t.name());
            d.put("description", t.description());
            d.set("inputSchema", t.inputSchema());
        }
        return r;
    }

    private ObjectNode call(JsonNode id, JsonNode params, String correlationId) {
        Tool tool = tools.get(params.path("name").asText(""));
        if (tool == null) {
            return error(id, INVALID_PARAMS, "unknown tool: " + params.path("name").asText(""));
        }
        JsonNode arguments = params.path("arguments");
        if (!arguments.isMissingNode() && !arguments.isObject()) {
            return error(id, INVALID_PARAMS, "arguments must be an object");
        }
        Result result = tool.call(arguments.isObject() ? arguments : DemoHttp.JSON.createObjectNode(), correlationId);
        ObjectNode r = DemoHttp.JSON.createObjectNode();
        r.putArray("content").addObject().put("type", "text").put("text", result.text());
        r.put("isError", result.error());
        return result(id, r);
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode r = DemoHttp.JSON.createObjectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode r = DemoHttp.JSON.createObjectNode();
        r.put("jsonrpc", "2.0");
        if (id == null) {
            r.putNull("id");
        } else {
            r.set("id", id);
        }
        r.putObject("error").put("code", code).put("message", message);
        return r;
    }

    private static void reply(HttpExchange ex, int status, ObjectNode body) throws IOException {
        DemoHttp.json(ex, status, body);
    }
}
