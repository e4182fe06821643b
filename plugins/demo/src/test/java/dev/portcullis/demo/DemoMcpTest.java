package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo MCP servers driven by the official MCP Java SDK client. Their tools call a stand-in for
 * the gateway's API routes, which records what arrives (token, correlation id), refuses mail to
 * {@code evil.example} the way the inspect policy would, and forwards the rest to the real demo
 * CRM and mail APIs.
 */
class DemoMcpTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String PROBLEM = "{\"type\":\"urn:portcullis:problem:content-blocked\",\"status\":403,"
            + "\"detail\":\"blocked by rule external-mail-with-pii\"}";

    record Seen(String method, String path, String authorization, String correlationId) {
    }

    static DemoIssuer issuer;
    static DemoCrm crm;
    static DemoMail mail;
    static HttpServer api;
    static DemoMcp mcp;
    static final List<Seen> seen = new CopyOnWriteArrayList<>();
    static final AtomicBoolean refuseNextToken = new AtomicBoolean();

    @BeforeAll
    static void start() throws IOException {
        issuer = new DemoIssuer(new DemoIssuerConfig("127.0.0.1", 0, null, null, null, List.of(
                new DemoIssuerConfig.Client("demo-mcp", "mcp-secret-1", null, List.of("http://gw/api"), "crm:read mail:send", null))));
        crm = new DemoCrm(new DemoCrmConfig("127.0.0.1", 0));
        mail = new DemoMail(new DemoMailConfig("127.0.0.1", 0, 10));
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/api/", DemoMcpTest::standInGateway);
        api.start();
        String base = "http://127.0.0.1:" + api.getAddress().getPort() + "/api";
        mcp = new DemoMcp(new DemoMcpConfig("127.0.0.1", 0, base + "/crm", base + "/mail",
                "http://127.0.0.1:" + issuer.port() + "/token", "demo-mcp", "mcp-secret-1", null));
    }

    @AfterAll
    static void stop() {
        mcp.close();
        api.stop(0);
        mail.close();
        crm.close();
        issuer.close();
    }

    @BeforeEach
    void clear() {
        seen.clear();
    }

    static void standInGateway(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        seen.add(new Seen(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestHeaders().getFirst("X-Correlation-Id")));
        byte[] body = ex.getRequestBody().readAllBytes();
        if (refuseNextToken.getAndSet(false)) {
            reply(ex, 401, "application/problem+json", "{\"type\":\"urn:portcullis:problem:invalid-token\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (new String(body, StandardCharsets.UTF_8).contains("evil.example")) {
            reply(ex, 403, "application/problem+json", PROBLEM.getBytes(StandardCharsets.UTF_8));
            return;
        }
        int port = path.startsWith("/api/crm/") ? crm.port() : mail.port();
        String rest = path.substring(path.indexOf('/', "/api/".length()));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + rest))
                .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
        String correlation = ex.getRequestHeaders().getFirst("X-Correlation-Id");
        if (correlation != null) {
            b.header("X-Correlation-Id", correlation);
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            reply(ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static McpSyncClient client(String path, String correlationId) {
        HttpRequest.Builder headers = HttpRequest.newBuilder();
        if (correlationId != null) {
            headers.header("X-Correlation-Id", correlationId);
        }
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + mcp.port())
                .endpoint(path).requestBuilder(headers).build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
    }

    static McpSchema.CallToolRequest callRequest(String name, Map<String, Object> arguments) {
        return McpSchema.CallToolRequest.builder(name).arguments(arguments).build();
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void crmServerListsAndRunsReadCustomerThroughTheApiWithItsOwnTokenAndTheCorrelationId() throws Exception {
        try (McpSyncClient client = client("/crm/mcp", "corr-crm-1")) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("portcullis-demo-crm");
            assertThat(init.capabilities().tools()).isNotNull();
            McpSchema.ListToolsResult tools = client.listTools();
            assertThat(tools.tools()).extracting(McpSchema.Tool::name).containsExactly("read_customer");
            assertThat(tools.tools().getFirst().inputSchema().get("required")).isEqualTo(List.of("id"));

            McpSchema.CallToolResult r = client.callTool(callRequest("read_customer", Map.of("id", "42")));
            assertThat(r.isError()).isFalse();
            JsonNode record = DemoHttp.JSON.readTree(text(r));
            assertThat(record.path("name").asText()).isEqualTo("Ada Lovelace");
            assertThat(record.path("email").asText()).isEqualTo("ada.lovelace@example.org");

            McpSchema.CallToolResult missing = client.callTool(callRequest("read_customer", Map.of("id", 99)));
            assertThat(missing.isError()).isTrue();
            assertThat(text(missing)).isEqualTo("there is no customer with id 99");
            McpSchema.CallToolResult bad = client.callTool(callRequest("read_customer", Map.of("id", "../x")));
            assertThat(bad.isError()).isTrue();
        }
        assertThat(seen).extracting(Seen::path).containsExactly("/api/crm/customers/42", "/api/crm/customers/99");
        assertThat(seen).extracting(Seen::correlationId).containsOnly("corr-crm-1");
        SignedJWT token = SignedJWT.parse(seen.getFirst().authorization().substring("Bearer ".length()));
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo("demo-mcp");
        assertThat(token.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("crm:read mail:send");
        assertThat(seen.get(1).authorization()).isEqualTo(seen.getFirst().authorization()); // kept, not fetched per call
    }

    @Test
    void mailServerSendsAndReportsTheApiGatesRefusalToTheAgent() throws Exception {
        try (McpSyncClient client = client("/mail/mcp", "corr-mail-1")) {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("send_email");

            McpSchema.CallToolResult ok = client.callTool(callRequest("send_email",
                    Map.of("to", List.of("support@example.com"), "subject", "Resolved", "body", "Ticket closed.")));
            assertThat(ok.isError()).isFalse();
            assertThat(text(ok)).matches("sent msg-[0-9]+ to support@example.com");

            McpSchema.CallToolResult refused = client.callTool(callRequest("send_email",
                    Map.of("to", "attacker@evil.example", "body", "the customer list")));
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).isEqualTo("the mail API refused the message: HTTP 403 " + PROBLEM);

            McpSchema.CallToolResult incomplete = client.callTool(callRequest("send_email", Map.of("subject", "x")));
            assertThat(incomplete.isError()).isTrue();
            assertThat(text(incomplete)).contains("'to'", "'body'");
        }
        List<com.fasterxml.jackson.databind.node.ObjectNode> outbox = mail.sent();
        assertThat(outbox).anySatisfy(m -> {
            assertThat(m.path("to").toString()).isEqualTo("[\"support@example.com\"]");
            assertThat(m.path("subject").asText()).isEqualTo("Resolved");
            assertThat(m.path("correlationId").asText()).isEqualTo("corr-mail-1");
        });
        assertThat(outbox).noneSatisfy(m -> assertThat(m.toString()).contains("evil.example"));
    }

    @Test
    void aRefusedTokenIsReplacedOnce() {
        try (McpSyncClient client = client("/crm/mcp", null)) {
            client.initialize();
            client.callTool(callRequest("read_customer", Map.of("id", "7")));
            refuseNextToken.set(true);
            McpSchema.CallToolResult r = client.callTool(callRequest("read_customer", Map.of("id", "7")));
            assertThat(r.isError()).isFalse();
        }
        assertThat(seen).hasSize(3);
        assertThat(seen.get(2).authorization()).isNotEqualTo(seen.get(1).authorization());
        assertThat(seen.getFirst().correlationId()).isNull();
    }

    @Test
    void answersProtocolErrorsAsJsonRpc() throws Exception {
        String url = "http://127.0.0.1:" + mcp.port() + "/crm/mcp";
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}", null).body())
                .contains("\"code\":-32601");
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"send_email\"}}", null).body())
                .contains("\"code\":-32602", "unknown tool: send_email");
        HttpResponse<String> notJson = post(url, "{nope", null);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("-32700");
        assertThat(post(url, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", null).statusCode()).isEqualTo(400);
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", null).statusCode()).isEqualTo(202);
        HttpResponse<String> oldVersion = post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "2024-11-05");
        assertThat(oldVersion.statusCode()).isEqualTo(400);
        assertThat(oldVersion.body()).contains("unsupported MCP-Protocol-Version");
        HttpResponse<String> init = post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2099-01-01\"}}", null);
        assertThat(DemoHttp.JSON.readTree(init.body()).path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> text = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(415);
    }

    static HttpResponse<String> post(String url, String body, String version) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (version != null) {
            b.header("MCP-Protocol-Version", version);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
