package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream that speaks only the stateless revision 2026-07-28 ({@code stateless: true}),
 * federated with a session-based SDK server and used by the session-based SDK client. The small
 * server started by the test refuses, as that revision requires, any request whose headers do not
 * mirror its body or that lacks the per-request {@code _meta}.
 */
class StatelessUpstreamTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();
    static final List<String> METHODS = new CopyOnWriteArrayList<>();
    static TestUpstream modern;
    static SdkMcpServer legacy;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        modern = TestUpstream.start().handle("/mcp", StatelessUpstreamTest::serve);
        legacy = SdkMcpServer.start("legacy", List.of(SdkMcpServer.tool("echo", "Echoes", (ex, a) -> "echo " + a.get("text"))));
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    backend:
                      type: mcp
                      servers:
                        - { name: modern, url: "%s/mcp", stateless: true }
                        - { name: legacy, url: "%s" }
                """.formatted(modern.url(), legacy.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (legacy != null) {
            legacy.close();
        }
        if (modern != null) {
            modern.close();
        }
    }

    /** A 2026-07-28 server: server/discover, tools/list and tools/call, headers checked against the body. */
    static void serve(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            reply(ex, 405, "");
            return;
        }
        JsonNode m = JSON.readTree(modern.received().getLast().body());
        String method = m.path("method").asText();
        METHODS.add(method);
        JsonNode meta = m.path("params").path("_meta");
        String problem = null;
        if (!"2026-07-28".equals(ex.getRequestHeaders().getFirst("MCP-Protocol-Version"))
                || !"2026-07-28".equals(meta.path("io.modelcontextprotocol/protocolVersion").asText())) {
            problem = "version";
        } else if (!meta.path("io.modelcontextprotocol/clientCapabilities").isObject()) {
            problem = "capabilities";
        } else if (!method.equals(ex.getRequestHeaders().getFirst("Mcp-Method"))) {
            problem = "Mcp-Method";
        } else if (method.equals("tools/call") && !m.path("params").path("name").asText().equals(ex.getRequestHeaders().getFirst("Mcp-Name"))) {
            problem = "Mcp-Name";
        } else if (method.equals("tools/call") && !m.path("params").path("arguments").path("text").asText()
                .equals(Stateless.decode(ex.getRequestHeaders().getFirst("Mcp-Param-Text")))) {
            problem = "Mcp-Param-Text"; // an x-mcp-header argument must be mirrored into its header
        } else if (ex.getRequestHeaders().getFirst("Mcp-Session-Id") != null) {
            problem = "session";
        }
        if (problem != null) {
            PROBLEMS.add(method + ": " + problem);
            reply(ex, 400, "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"error\":{\"code\":-32020,\"message\":\"" + problem + "\"}}");
            return;
        }
        String result = switch (method) {
            case "server/discover" -> "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],\"capabilities\":{\"tools\":{}},"
                    + "\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"modern\",\"version\":\"2\"}},"
                    + "\"instructions\":\"A stateless server.\",\"ttlMs\":0,\"cacheScope\":\"public\"}";
            case "tools/list" -> "{\"resultType\":\"complete\",\"tools\":[{\"name\":\"stamp\",\"description\":\"Stamps\","
                    + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\",\"x-mcp-header\":\"Text\"}}}}],"
                    + "\"ttlMs\":0,\"cacheScope\":\"public\"}";
            case "tools/call" -> "{\"resultType\":\"complete\",\"content\":[{\"type\":\"text\",\"text\":\"stamped "
                    + m.path("params").path("arguments").path("text").asText() + "\"}]}";
            default -> null;
        };
        if (result == null) {
            reply(ex, 404, "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
        } else {
            reply(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":" + result + "}");
        }
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Test
    void aStatelessServerIsFederatedWithASessionOne() {
        try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + gateway.port()).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(10)).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.instructions()).contains("[modern] A stateless server.");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("modern_stamp", "legacy_echo");
            McpSchema.CallToolResult stamped = client.callTool(new McpSchema.CallToolRequest("modern_stamp", Map.of("text", "it")));
            assertThat(((McpSchema.TextContent) stamped.content().get(0)).text()).isEqualTo("stamped it");
            // a value that is not header-safe travels in the Base64 sentinel form
            McpSchema.CallToolResult unicode = client.callTool(new McpSchema.CallToolRequest("modern_stamp", Map.of("text", "Grüße")));
            assertThat(((McpSchema.TextContent) unicode.content().get(0)).text()).isEqualTo("stamped Grüße");
            McpSchema.CallToolResult echoed = client.callTool(new McpSchema.CallToolRequest("legacy_echo", Map.of("text", "x")));
            assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("echo x");
            client.ping();
        }
        assertThat(PROBLEMS).isEmpty();
        // initialize became server/discover; notifications, ping, GET and DELETE never reached it
        assertThat(METHODS).startsWith("server/discover").contains("tools/list", "tools/call")
                .doesNotContain("initialize", "notifications/initialized", "ping");
        assertThat(modern.received()).allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
    }
}
