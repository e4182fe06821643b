package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code mcp} backend inside the real gateway, between the official MCP Java SDK client and
 * two real MCP servers made with the same SDK: federation, streaming, sessions, the transport's
 * error answers, DNS-rebinding checks, credentials and the authorizer seam.
 */
class McpGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CLIENT_TOKEN = "Bearer client-token-must-not-leak";

    static SdkMcpServer crm;
    static SdkMcpServer mail;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        crm = SdkMcpServer.start("crm", List.of(
                SdkMcpServer.tool("read_customer", "Reads a customer record", (ex, args) -> "crm read " + args.get("text"))));
        mail = SdkMcpServer.start("mail", List.of(
                SdkMcpServer.tool("send_email", "Sends an e-mail", (ex, args) -> "mail sent to " + args.get("text")),
                SdkMcpServer.tool("hidden_tool", "Hidden by policy", (ex, args) -> "should not be listed"),
                SdkMcpServer.slowTool("slow_count", 3, 300)));
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    policies:
                      - { type: test-mcp-authorizer, hide: mail.hidden_tool, deny: mail.send_email, rule: no-external-mail, denyText: "x@evil.example" }
                    backend:
                      type: mcp
                      maxBatchSize: 3
                      allowedOrigins: ["http://localhost"]
                      servers:
                        - { name: crm, url: "%s", auth: { type: bearer, token: "${CRM_TOKEN}" } }
                        - { name: mail, url: "%s" }
                """.formatted(crm.url(), mail.url()), Map.of("CRM_TOKEN", "crm-secret"));
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

    static McpSyncClient sdkClient(List<McpSchema.ProgressNotification> progress) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + gateway.port())
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", CLIENT_TOKEN))
                .build();
        return McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(10))
                .progressConsumer(progress::add)
                .build();
    }

    @Test
    void sdkClientListsAndCallsToolsOfTwoFederatedServers() {
        try (McpSyncClient client = sdkClient(new CopyOnWriteArrayList<>())) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("portcullis");
            assertThat(init.capabilities().tools()).isNotNull();

            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name)
                    .containsExactly("crm_read_customer", "mail_send_email", "mail_slow_count");
            assertThat(tools.get(0).description()).isEqualTo("Reads a customer record");

            McpSchema.CallToolResult crmResult = client.callTool(new McpSchema.CallToolRequest("crm_read_customer", Map.of("text", "42")));
            assertThat(text(crmResult)).isEqualTo("crm read 42");
            McpSchema.CallToolResult mailResult = client.callTool(new McpSchema.CallToolRequest("mail_send_email", Map.of("text", "a@example.com")));
            assertThat(text(mailResult)).isEqualTo("mail sent to a@example.com");
        }
        assertThat(TestAuthorizerPolicyFactory.PUBLISHED).contains("crm_read_customer->allow", "mail_send_email->allow");
    }

    @Test
    void aToolListChangeOfAnUpstreamReachesTheSdkClient() throws Exception {
        java.util.concurrent.BlockingQueue<List<McpSchema.Tool>> changes = new java.util.concurrent.LinkedBlockingQueue<>();
        try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + gateway.port()).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(10))
                .toolsChangeConsumer(changes::add)
                .build()) {
            client.initialize();
            Thread.sleep(300); // the client's GET stream, and the gateway's to each upstream, are being opened
            // same definition, re-registered: the server announces notifications/tools/list_changed on its GET stream
            crm.replaceTool(SdkMcpServer.tool("read_customer", "Reads a customer record", (ex, args) -> "crm read " + args.get("text")));
            List<McpSchema.Tool> now = changes.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(now).as("tools after list_changed").isNotNull();
            assertThat(now).extracting(McpSchema.Tool::name).contains("crm_read_customer");
        }
    }

    @Test
    void progressNotificationsArriveWhileTheToolStillRuns() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + gateway.port()).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(10))
                .progressConsumer(p -> {
                    arrivals.add(System.nanoTime());
                    progress.add(p);
                })
                .build()) {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("mail_slow_count").arguments(Map.of()).progressToken("count-1").build());
            long done = System.nanoTime();
            assertThat(text(result)).isEqualTo("counted to 3");
            assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0);
            assertThat(progress.get(0).progressToken()).isEqualTo("count-1");
            // the tool sleeps 300 ms after each step: relayed unbuffered, step 1 arrives ~900 ms before the result
            assertThat(Duration.ofNanos(done - arrivals.get(0))).isGreaterThan(Duration.ofMillis(500));
        }
    }

    @Test
    void anAuthorizerHidesAToolAndDeniesACallNamingItsRule() {
        try (McpSyncClient client = sdkClient(new CopyOnWriteArrayList<>())) {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).doesNotContain("mail_hidden_tool");
            long mailPostsBefore = mail.seen().stream().filter(s -> s.method().equals("POST")).count();
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("mail_send_email", Map.of("text", "x@evil.example"))))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("no-external-mail");
            // refused before it reached the mail server
            assertThat(mail.seen().stream().filter(s -> s.method().equals("POST")).count()).isEqualTo(mailPostsBefore);
            // the same tool with other arguments is allowed
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("mail_send_email", Map.of("text", "ok@example.com")))))
                    .isEqualTo("mail sent to ok@example.com");
        }
        assertThat(TestAuthorizerPolicyFactory.ASKED).anySatisfy(c -> {
            assertThat(c.server()).isEqualTo("mail");
            assertThat(c.name()).isEqualTo("send_email");
            assertThat(c.arguments()).containsEntry("text", "x@evil.example");
        });
        assertThat(TestAuthorizerPolicyFactory.PUBLISHED).contains("mail_send_email->deny:no-external-mail");
    }

    @Test
    void upstreamsSeeTheirConfiguredCredentialNeverTheClientsAndTheCorrelationId() {
        try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + gateway.port()).endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", CLIENT_TOKEN)
                                .header("X-Correlation-Id", "agent-run-77"))
                        .build())
                .requestTimeout(Duration.ofSeconds(10)).build()) {
            client.initialize();
            client.callTool(new McpSchema.CallToolRequest("crm_read_customer", Map.of("text", "7")));
        }
        assertThat(crm.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer crm-secret"));
        assertThat(mail.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isNull());
        // the agent's correlation id reaches the upstreams, on the initialize fan-out and the call
        assertThat(crm.seen()).filteredOn(s -> "agent-run-77".equals(s.correlationId())).hasSizeGreaterThanOrEqualTo(2);
        assertThat(mail.seen()).anySatisfy(s -> assertThat(s.correlationId()).isEqualTo("agent-run-77"));
    }

    @Test
    void theSessionIsTheGatewaysAndContinuesUntilDeleted() throws Exception {
        HttpResponse<String> init = post(null, initialize());
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(JSON.readTree(init.body()).path("result").path("protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(crm.seen()).noneMatch(s -> session.equals(s.sessionId()));

        HttpResponse<String> list = post(session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("crm_read_customer");

        HttpResponse<String> missing = post(null, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = post("no-such-session", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);

        int crmDeletesBefore = (int) crm.seen().stream().filter(s -> s.method().equals("DELETE")).count();
        HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Mcp-Session-Id", session)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(crm.seen().stream().filter(s -> s.method().equals("DELETE")).count()).isEqualTo(crmDeletesBefore + 1);
        HttpResponse<String> after = post(session, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        assertThat(after.statusCode()).isEqualTo(404);
    }

    @Test
    void malformedJsonIsAParseError() throws Exception {
        HttpResponse<String> r = post(null, "{\"jsonrpc\":\"2.0\",\"id\":1,");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(body.path("id").isNull()).isTrue();
    }

    @Test
    void invalidMessagesAndUnknownMethodsGetTheirJsonRpcCodes() throws Exception {
        String session = post(null, initialize()).headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> invalid = post(session, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).path("error").path("code").asInt()).isEqualTo(-32600);

        HttpResponse<String> unknown = post(session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\"}");
        assertThat(JSON.readTree(unknown.body()).path("error").path("code").asInt()).isEqualTo(-32601);
        assertThat(JSON.readTree(unknown.body()).path("id").asInt()).isEqualTo(2);

        HttpResponse<String> unknownTool = post(session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"nope_tool\",\"arguments\":{}}}");
        assertThat(JSON.readTree(unknownTool.body()).path("error").path("code").asInt()).isEqualTo(-32602);

        HttpResponse<String> badVersion = HTTP.send(HttpRequest.newBuilder(gateway.uri("/mcp"))
                .header("Content-Type", "application/json").header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "1999-01-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badVersion.statusCode()).isEqualTo(400);
    }

    @Test
    void aBatchIsAnsweredAndAnOversizedOneRefused() throws Exception {
        String session = post(null, initialize()).headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> ok = post(session, """
                [{"jsonrpc":"2.0","id":"a","method":"ping"},
                 {"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"crm_read_customer","arguments":{"text":"9"}}}]""");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(ok.body()).contains("\"id\":\"a\"").contains("crm read 9");

        String four = "[" + String.join(",", java.util.Collections.nCopies(4, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")) + "]";
        HttpResponse<String> big = post(session, four);
        assertThat(big.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(big.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32600);
        assertThat(error.path("message").asText()).contains("limit of 3");
    }

    @Test
    void aForeignOriginIsRefusedAndAnAllowedOneServed() throws Exception {
        HttpResponse<String> evil = HTTP.send(HttpRequest.newBuilder(gateway.uri("/mcp"))
                .header("Content-Type", "application/json").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(initialize())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(evil.body()).path("error").path("message").asText()).contains("origin");

        HttpResponse<String> local = HTTP.send(HttpRequest.newBuilder(gateway.uri("/mcp"))
                .header("Content-Type", "application/json").header("Origin", "http://localhost")
                .POST(HttpRequest.BodyPublishers.ofString(initialize())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(local.statusCode()).isEqualTo(200);
    }

    static String initialize() {
        return """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    }

    static HttpResponse<String> post(String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", CLIENT_TOKEN)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }
}
