package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile JSON-RPC on an MCP route, refused before any MCP server is contacted (the configured
 * one does not even listen): every case is a JSON-RPC error object with its code, never a stack
 * trace, and the route keeps answering.
 */
class McpHostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    backend:
                      type: mcp
                      maxBatchSize: 10
                      maxMessageSize: 1MiB
                      servers:
                        - { name: crm, url: "http://127.0.0.1:1/mcp" }
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static HttpResponse<String> post(byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri("/mcp")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertJsonRpcError(HttpResponse<String> r, int status, int code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(r.body()).doesNotContain("Exception", "\tat ", "com.fasterxml");
        // and the route still answers
        HttpResponse<String> after = post("{\"jsonrpc\":\"2.0\",\"id\":1,".getBytes(StandardCharsets.UTF_8));
        assertThat(JSON.readTree(after.body()).path("error").path("code").asInt()).isEqualTo(-32700);
    }

    /** Jackson's default read constraints allow 1,000 levels; deeper is refused while parsing. */
    @ParameterizedTest
    @ValueSource(ints = {1_001, 100_000})
    void deeplyNestedJsonIsAParseErrorNotAStackOverflow(int depth) throws Exception {
        String arrays = "[".repeat(depth) + "]".repeat(depth);
        assertJsonRpcError(post(arrays.getBytes(StandardCharsets.UTF_8)), 400, -32700);
        String params = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
        assertJsonRpcError(post(params.getBytes(StandardCharsets.UTF_8)), 400, -32700);
    }

    @ParameterizedTest
    // not here: the overlong C0 AF, which Jackson decodes as '/' (see docs/security.md)
    @ValueSource(strings = {"C328", "FFFE", "EDA080", "F8888080"})
    void invalidUtf8IsAParseError(String hex) throws Exception {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        byte[] prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(bad, 0, body, prefix.length, bad.length);
        System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
        assertJsonRpcError(post(body), 400, -32700);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "[1, 2, 3]",
            "[[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]]",
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}]",
            "[{\"jsonrpc\":\"2.0\",\"id\":{\"not\":\"scalar\"},\"method\":\"ping\"}]",
            "\"just a string\"",
            "42",
            "null",
    })
    void batchAndShapeAbuseIsAnInvalidRequest(String body) throws Exception {
        HttpResponse<String> r = post(body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
        int code = JSON.readTree(r.body()).path("error").path("code").asInt();
        assertThat(code).as(body + " -> " + r.body()).isIn(-32600, -32700);
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 30_000})
    void batchesOverTheLimitAreRefusedWhole(int size) throws Exception {
        String batch = "[" + String.join(",", Collections.nCopies(size, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}")) + "]";
        HttpResponse<String> r = post(batch.getBytes(StandardCharsets.UTF_8));
        // a 30,000-message batch is larger than maxMessageSize: 413 before it is even parsed
        assertJsonRpcError(r, size > 1000 ? 413 : 400, -32600);
    }
}
