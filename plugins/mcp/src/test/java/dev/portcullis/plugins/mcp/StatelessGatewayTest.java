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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stateless revision 2026-07-28 towards clients, over raw HTTP (no SDK speaks it yet here):
 * {@code server/discover}, listings and calls without {@code initialize} or session, headers
 * checked against the body, through real session-based upstream servers behind the gateway, with
 * the route's authorizer still deciding.
 */
class StatelessGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static SdkMcpServer crm;
    static SdkMcpServer mail;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        crm = SdkMcpServer.start("crm", List.of(SdkMcpServer.tool("read_customer", "Reads a customer", (ex, a) -> "customer " + a.get("text")),
                regional(), noisy()));
        mail = SdkMcpServer.start("mail", List.of(SdkMcpServer.tool("send_email", "Sends", (ex, a) -> "sent " + a.get("text")),
                SdkMcpServer.tool("hidden_tool", "Hidden by policy", (ex, a) -> "no")));
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false }, shutdownGracePeriod: 1s }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    policies:
                      - { type: test-mcp-authorizer, hide: mail.hidden_tool, deny: mail.send_email, rule: no-external-mail, denyText: "x@evil.example" }
                    backend: { type: mcp, servers: [ { name: crm, url: "%s" }, { name: mail, url: "%s" } ] }
                """.formatted(crm.url(), mail.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (crm != null) {
            crm.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    /** A tool that logs at info and at warning before answering. */
    static io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification noisy() {
        io.modelcontextprotocol.spec.McpSchema.Tool tool = io.modelcontextprotocol.spec.McpSchema.Tool.builder().name("noisy")
                .description("Logs").inputSchema(java.util.Map.of("type", "object")).build();
        return new io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification(tool, (ex, r) -> {
            for (var level : List.of(io.modelcontextprotocol.spec.McpSchema.LoggingLevel.INFO,
                    io.modelcontextprotocol.spec.McpSchema.LoggingLevel.WARNING)) {
                ex.loggingNotification(io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification.builder()
                        .level(level).data("at " + level).build());
            }
            return io.modelcontextprotocol.spec.McpSchema.CallToolResult.builder().addTextContent("logged").build();
        });
    }

    @Test
    void logMessagesReachAStatelessCallerOnlyAtTheLevelItAskedFor() throws Exception {
        String call = request(30, "tools/call", "\"name\":\"crm_noisy\",\"arguments\":{}");
        HttpResponse<String> quiet = post(call, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "crm_noisy");
        assertThat(message(quiet).path("result").path("content").get(0).path("text").asText()).isEqualTo("logged");
        assertThat(quiet.body()).doesNotContain("notifications/message");
        HttpResponse<String> warned = post(call.replace("\"io.modelcontextprotocol/clientCapabilities\":{}",
                        "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/logLevel\":\"warning\""),
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "crm_noisy");
        assertThat(message(warned).path("result").path("content").get(0).path("text").asText()).isEqualTo("logged");
        assertThat(warned.body()).contains("notifications/message", "at WARNING").doesNotContain("at INFO");
    }

    /** A tool whose region and limit are mirrored into Mcp-Param-* headers. */
    static io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification regional() {
        io.modelcontextprotocol.spec.McpSchema.Tool tool = io.modelcontextprotocol.spec.McpSchema.Tool.builder().name("query")
                .description("Queries a region").inputSchema(java.util.Map.of("type", "object", "properties", java.util.Map.of(
                        "region", java.util.Map.of("type", "string", "x-mcp-header", "Region"),
                        "limit", java.util.Map.of("type", "integer", "x-mcp-header", "Limit"),
                        "q", java.util.Map.of("type", "string")))).build();
        return new io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification(tool, (ex, r) ->
                io.modelcontextprotocol.spec.McpSchema.CallToolResult.builder().addTextContent("query in " + r.arguments().get("region")).build());
    }

    static String request(int id, String method, String params) {
        return """
                {"jsonrpc":"2.0","id":%d,"method":"%s","params":{%s%s"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                 "io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"""
                .formatted(id, method, params, params.isEmpty() ? "" : ",");
    }

    static HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/mcp")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC message of an answer, whether sent as JSON or as an event stream. */
    static JsonNode message(HttpResponse<String> r) throws Exception {
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            JsonNode last = null;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("data:")) {
                    last = JSON.readTree(line.substring(5).strip());
                }
            }
            return last;
        }
        return JSON.readTree(r.body());
    }

    @Test
    void discoverListAndCallWithoutASession() throws Exception {
        HttpResponse<String> d = post(request(1, "server/discover", ""), "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "server/discover");
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode discover = message(d).path("result");
        assertThat(discover.path("resultType").asText()).isEqualTo("complete");
        assertThat(discover.path("supportedVersions")).extracting(JsonNode::asText).containsExactly("2026-07-28");
        assertThat(discover.path("capabilities").has("tools")).isTrue();
        assertThat(discover.path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue(); // via subscriptions/listen
        assertThat(discover.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asText()).isEqualTo("portcullis");
        assertThat(discover.path("ttlMs").asLong(-1)).isGreaterThanOrEqualTo(0);
        assertThat(discover.path("cacheScope").asText()).isIn("public", "private");

        HttpResponse<String> l = post(request(2, "tools/list", ""), "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list");
        assertThat(l.statusCode()).isEqualTo(200);
        JsonNode list = message(l).path("result");
        assertThat(list.path("resultType").asText()).isEqualTo("complete");
        assertThat(list.path("tools")).extracting(t -> t.path("name").asText())
                .containsExactlyInAnyOrder("crm_read_customer", "crm_query", "crm_noisy", "mail_send_email"); // the authorizer hid mail_hidden_tool
        assertThat(list.path("cacheScope").asText()).isEqualTo("private"); // filtered per caller
        assertThat(list.has("ttlMs")).isTrue();

        HttpResponse<String> c = post(request(3, "tools/call", "\"name\":\"crm_read_customer\",\"arguments\":{\"text\":\"7\"}"),
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "crm_read_customer");
        assertThat(c.statusCode()).isEqualTo(200);
        JsonNode call = message(c);
        assertThat(call.path("id").asInt()).isEqualTo(3);
        assertThat(call.path("result").path("resultType").asText()).isEqualTo("complete");
        assertThat(call.path("result").path("content").get(0).path("text").asText()).isEqualTo("customer 7");

        // the name header may be Base64 in the sentinel form
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("mail_send_email".getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> denied = post(request(4, "tools/call", "\"name\":\"mail_send_email\",\"arguments\":{\"text\":\"x@evil.example\"}"),
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", encoded);
        assertThat(message(denied).path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(message(denied).path("error").path("message").asText()).contains("no-external-mail");

        // Mcp-Param-* headers mirror the arguments annotated with x-mcp-header (learned from the listing above)
        String regional = "\"name\":\"crm_query\",\"arguments\":{\"region\":\"us-west1\",\"limit\":42,\"q\":\"x\"}";
        HttpResponse<String> ok = post(request(20, "tools/call", regional), "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call",
                "Mcp-Name", "crm_query", "Mcp-Param-Region", "=?base64?" + Base64.getEncoder().encodeToString("us-west1".getBytes(StandardCharsets.UTF_8))
                        + "?=", "Mcp-Param-Limit", "42.0");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(message(ok).path("result").path("content").get(0).path("text").asText()).isEqualTo("query in us-west1");
        HttpResponse<String> missing = post(request(21, "tools/call", regional), "MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tools/call", "Mcp-Name", "crm_query", "Mcp-Param-Limit", "42");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(message(missing).path("error").path("code").asInt()).isEqualTo(-32020);
        assertThat(message(missing).path("error").path("message").asText()).contains("Mcp-Param-region header is missing");
        HttpResponse<String> wrong = post(request(22, "tools/call", regional), "MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tools/call", "Mcp-Name", "crm_query", "Mcp-Param-Region", "eu-west1", "Mcp-Param-Limit", "42");
        assertThat(message(wrong).path("error").path("code").asInt()).isEqualTo(-32020);

        // the upstreams never saw a 2026-07-28 _meta key: they were spoken to in their own revision
        assertThat(crm.seen()).allSatisfy(s -> assertThat(s.protocolVersion()).isNotEqualTo("2026-07-28"));
    }

    @Test
    void aSubscriptionDeliversTheListChangesItAskedFor() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest listen = HttpRequest.newBuilder(gateway.uri("/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "subscriptions/listen")
                .POST(HttpRequest.BodyPublishers.ofString(request(11, "subscriptions/listen",
                        "\"notifications\":{\"toolsListChanged\":true,\"promptsListChanged\":true}"))).build();
        CompletableFuture<HttpResponse<Stream<String>>> open = HTTP.sendAsync(listen, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> r = open.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        Thread reader = Thread.ofVirtual().start(() -> r.body().filter(l -> l.startsWith("data:")).forEach(l -> lines.add(l.substring(5).strip())));
        try {
            JsonNode ack = JSON.readTree(lines.poll(10, TimeUnit.SECONDS));
            assertThat(ack.path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(ack.path("params").path("_meta").path("io.modelcontextprotocol/subscriptionId").asInt()).isEqualTo(11);
            // tools: the servers announce listChanged; prompts: none offers prompts, so not acknowledged
            assertThat(ack.path("params").path("notifications").path("toolsListChanged").asBoolean()).isTrue();
            assertThat(ack.path("params").path("notifications").has("promptsListChanged")).isFalse();

            Thread.sleep(300); // the upstream streams were requested before the acknowledgment; let them arrive
            crm.replaceTool(SdkMcpServer.tool("read_customer", "Reads a customer record (v2)", (ex, a) -> "customer " + a.get("text")));
            JsonNode changed = JSON.readTree(lines.poll(10, TimeUnit.SECONDS));
            assertThat(changed.path("method").asText()).isEqualTo("notifications/tools/list_changed");
            assertThat(changed.path("params").path("_meta").path("io.modelcontextprotocol/subscriptionId").asInt()).isEqualTo(11);
        } finally {
            reader.interrupt();
            r.body().close();
        }
    }

    @Test
    void headersMustMatchTheBody() throws Exception {
        String call = request(5, "tools/call", "\"name\":\"crm_read_customer\",\"arguments\":{}");
        expectError(post(call, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list", "Mcp-Name", "crm_read_customer"),
                400, -32020, "Mcp-Method");
        expectError(post(call, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "mail_send_email"),
                400, -32020, "Mcp-Name");
        expectError(post(call, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call"), 400, -32020, "Mcp-Name header is missing");
        expectError(post(call, "Mcp-Method", "tools/call", "Mcp-Name", "crm_read_customer"), 400, -32020, "MCP-Protocol-Version header is missing");
        expectError(post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\",\"params\":{}}", "MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tools/list"), 400, -32020, "does not match body value 'null'");
        HttpResponse<String> old = post(request(7, "tools/list", "").replace("2026-07-28", "2099-01-01"),
                "MCP-Protocol-Version", "2099-01-01", "Mcp-Method", "tools/list");
        expectError(old, 400, -32022, "Unsupported protocol version");
        assertThat(message(old).path("error").path("data").path("supported")).extracting(JsonNode::asText).contains("2026-07-28");
        assertThat(message(old).path("error").path("data").path("requested").asText()).isEqualTo("2099-01-01");
        expectError(post(request(8, "ping", ""), "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "ping"), 404, -32601, "ping");
        expectError(post(request(9, "tools/list", "").replace("\"io.modelcontextprotocol/clientCapabilities\":{}", "\"x\":1"),
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list"), 400, -32602, "clientCapabilities");

        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Accept", "text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    static void expectError(HttpResponse<String> r, int status, int code, String text) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode m = message(r);
        assertThat(m.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(m.path("error").path("message").asText()).contains(text);
    }
}
