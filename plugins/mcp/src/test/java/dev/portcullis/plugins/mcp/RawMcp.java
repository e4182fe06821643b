package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Raw MCP over HTTP for gateway tests that need exact bytes on the wire (an event stream cut
 * short, an answer in a given shape): the handshake of a hand-written upstream (the test serves
 * the calls, this the rest) and a client's POST.
 */
final class RawMcp {

    /** A client's {@code initialize} request, id 1, protocol 2025-11-25. */
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    private RawMcp() {}

    /**
     * Answers {@code m} if it is {@code initialize} (session {@code upstream-1}, a tools server named
     * {@code server}) or a notification (202); returns false for a request, which the caller
     * answers.
     */
    static boolean handshake(HttpExchange ex, JsonNode m, String server) throws IOException {
        if (m.path("method").asText().equals("initialize")) {
            ex.getResponseHeaders().set("Mcp-Session-Id", "upstream-1");
            write(ex, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"" + server + "\",\"version\":\"1\"}}}");
            return true;
        }
        if (!m.has("id")) {
            ex.sendResponseHeaders(202, -1);
            return true;
        }
        return false;
    }

    /** A 200 with {@code body} as {@code type}, its length declared. */
    static void write(HttpExchange ex, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    /** POSTs {@code body} to {@code uri} as an MCP client does, in {@code session} when not null. */
    static HttpResponse<String> post(HttpClient http, URI uri, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
