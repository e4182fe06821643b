package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP gate's policies in the real gateway, between the official MCP Java SDK client (with
 * JWTs signed by the test) and real MCP servers: task-based access control ({@code mcp-tbac}),
 * the OAuth resource-server behaviour ({@code mcp-resource}, {@code oauth-protected-resource},
 * {@code jwt}, {@code authorize}) and its audit log and metrics.
 */
class TbacGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String METADATA = "https://gateway.test/.well-known/oauth-protected-resource/mcp";

    static SdkMcpServer crm;
    static SdkMcpServer mail;
    static TestGateway gateway;
    static final List<String> AUDIT = new CopyOnWriteArrayList<>();
    /** Held strongly: java.util.logging keeps loggers (and so their handlers) only weakly. */
    static final Logger AUDIT_LOGGER = Logger.getLogger("portcullis.audit");
    static final Handler AUDIT_HANDLER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            AUDIT.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void start() {
        crm = SdkMcpServer.start("crm", List.of(
                tool("read_customer", Map.of("id", Map.of("type", "string")), args -> "customer " + args.get("id")),
                tool("refund", Map.of("id", Map.of("type", "string"), "amount", Map.of("type", "number")),
                        args -> "refunded " + args.get("amount"))));
        mail = SdkMcpServer.start("mail", List.of(
                tool("send_email", Map.of("to", Map.of("type", "array"), "body", Map.of("type", "string")),
                        args -> "sent to " + args.get("to"))));
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                policies:
                  agent-auth: { type: jwt, algorithms: [RS256], staticKeys: ['%s'], issuer: "%s", audience: "%s" }
                routes:
                  - name: resource-metadata
                    match: { pathPrefix: /.well-known/oauth-protected-resource }
                    backend:
                      type: oauth-protected-resource
                      resource: "%s"
                      authorizationServers: ["%s"]
                      scopesSupported: ["mcp:tools"]
                  - name: tools
                    match: { path: /mcp }
                    policies:
                      - { type: mcp-resource, metadataUrl: "%s" }
                      - agent-auth
                      - { type: authorize, scopes: ["mcp:tools"] }
                      - type: mcp-tbac
                        tasks:
                          customer-support:
                            list: ["crm_*", "mail_*"]
                            call:
                              - tool: crm_read_customer
                              - tool: mail_send_email
                                when: [ { path: "$.to[*]", emailDomainIn: [example.com] } ]
                              - tool: "crm_*"
                                quota: { limit: 3, per: 1h }
                          reader:
                            list: [crm_read_customer]
                            call: [ { tool: crm_read_customer } ]
                          refunds:
                            list: [crm_refund]
                            call:
                              - tool: crm_refund
                                when: [ { path: "$.id", regex: "C-[0-9]+" }, { path: "$.amount", min: 0, max: 100 } ]
                    backend:
                      type: mcp
                      servers:
                        - { name: crm, url: "%s" }
                        - { name: mail, url: "%s" }
                  - name: tools-shadow
                    match: { path: /shadow }
                    policies:
                      - agent-auth
                      - { type: mcp-tbac, mode: shadow, tasks: { reader: { list: [crm_read_customer], call: [ { tool: crm_read_customer } ] } } }
                    backend: { type: mcp, servers: [ { name: crm, url: "%s" }, { name: mail, url: "%s" } ] }
                  - name: tools-single
                    match: { path: /single }
                    policies:
                      - agent-auth
                      - type: mcp-tbac
                        tasks:
                          bare: { list: [read_customer], call: [ { tool: read_customer } ] }
                          qualified: { list: [crm_refund], call: [ { tool: crm_refund } ] }
                    backend: { type: mcp, servers: [ { name: crm, url: "%s" } ] }
                """.formatted(McpTestTokens.publicJwk(), McpTestTokens.ISSUER, McpTestTokens.RESOURCE,
                McpTestTokens.RESOURCE, McpTestTokens.ISSUER, METADATA, crm.url(), mail.url(), crm.url(), mail.url(), crm.url()));
        AUDIT_LOGGER.addHandler(AUDIT_HANDLER);
    }

    @AfterAll
    static void stop() {
        AUDIT_LOGGER.removeHandler(AUDIT_HANDLER);
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

    // ---------------------------------------------------------------- TBAC

    @Test
    void withOneUnprefixedServerGlobsMatchTheUpstreamNameAndTheQualifiedOne() {
        try (McpSyncClient bare = client(McpTestTokens.agent("single-bare", List.of("bare")), "/single")) {
            bare.initialize();
            assertThat(names(bare)).containsExactly("read_customer");
            assertThat(bare.callTool(new McpSchema.CallToolRequest("read_customer", Map.of("id", "C-1"))).isError()).isNotEqualTo(Boolean.TRUE);
            assertThatThrownBy(() -> bare.callTool(new McpSchema.CallToolRequest("refund", Map.of("id", "C-1", "amount", 1))))
                    .hasMessageContaining("no call rule allows crm_refund");
        }
        try (McpSyncClient qualified = client(McpTestTokens.agent("single-qualified", List.of("qualified")), "/single")) {
            qualified.initialize();
            assertThat(names(qualified)).containsExactly("refund");
            assertThat(qualified.callTool(new McpSchema.CallToolRequest("refund", Map.of("id", "C-1", "amount", 1))).isError())
                    .isNotEqualTo(Boolean.TRUE);
        }
    }

    @Test
    void toolsListShowsOnlyWhatTheTokensTasksList() {
        try (McpSyncClient reader = client(McpTestTokens.agent("list-reader", List.of("reader")))) {
            reader.initialize();
            assertThat(names(reader)).containsExactly("crm_read_customer");
        }
        try (McpSyncClient support = client(McpTestTokens.agent("list-support", List.of("customer-support")))) {
            support.initialize();
            assertThat(names(support)).containsExactly("crm_read_customer", "crm_refund", "mail_send_email");
        }
        try (McpSyncClient none = client(McpTestTokens.agent("list-none", List.of("no-such-task")))) {
            none.initialize();
            assertThat(names(none)).isEmpty();
        }
    }

    @Test
    void aDeniedCallNamesTheRuleAndNeverReachesTheServer() {
        try (McpSyncClient reader = client(McpTestTokens.agent("deny-reader", List.of("reader")))) {
            reader.initialize();
            long mailPosts = posts(mail);
            assertThatThrownBy(() -> reader.callTool(call("mail_send_email", Map.of("to", List.of("a@example.com")))))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("reader.call")
                    .hasMessageContaining("task reader: no call rule allows mail_send_email");
            assertThat(posts(mail)).isEqualTo(mailPosts);
            assertThat(text(reader.callTool(call("crm_read_customer", Map.of("id", "C-1"))))).isEqualTo("customer C-1");
        }
    }

    @Test
    void everyRecipientMustBeInAnAllowedDomain() throws Exception {
        try (McpSyncClient support = client(McpTestTokens.agent("mail-agent", "customer-support"))) {
            support.initialize();
            long mailPosts = posts(mail);
            assertThatThrownBy(() -> support.callTool(call("mail_send_email",
                    Map.of("to", List.of("ok@example.com", "boss@evil.test"), "body", "customer list"))))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("customer-support.call[1]")
                    .hasMessageContaining("task customer-support: mail_send_email requires every $.to[*] in [example.com]; got evil.test");
            assertThat(posts(mail)).isEqualTo(mailPosts);
            assertThat(text(support.callTool(call("mail_send_email", Map.of("to", List.of("ok@example.com", "b@EXAMPLE.com"))))))
                    .startsWith("sent to");
        }
        // the audit event (GET /api/audit) names the decision, never the argument values
        JsonNode events = audit("subject=mail-agent&layer=mcp");
        assertThat(events).anySatisfy(a -> {
            assertThat(a.path("event").asText()).isEqualTo("mcp.decision");
            assertThat(a.path("outcome").asText()).isEqualTo("deny");
            assertThat(a.path("policy").asText()).isEqualTo("mcp-tbac");
            assertThat(a.path("details").path("tool").asText()).isEqualTo("mail_send_email");
            assertThat(a.path("details").path("server").asText()).isEqualTo("mail");
            assertThat(a.path("details").path("tasks").asText()).isEqualTo("customer-support");
            assertThat(a.path("details").path("rule").asText()).isEqualTo("customer-support.call[1]");
            assertThat(a.path("reason").asText()).contains("requires every $.to[*] in [example.com]");
            assertThat(a.path("details").path("argumentKeys").asText().split(",")).containsExactlyInAnyOrder("to", "body");
            assertThat(a.toString()).doesNotContain("evil.test").doesNotContain("customer list");
        });
        assertThat(events).anySatisfy(a -> assertThat(a.path("outcome").asText()).isEqualTo("allow"));
        // the same event reached the portcullis.audit log, without the values
        assertThat(AUDIT).anySatisfy(line -> assertThat(line).contains("mcp.decision", "mail-agent"));
        assertThat(AUDIT).noneSatisfy(line -> assertThat(line).contains("evil.test"));
    }

    @Test
    void numberRangeAndRegexConditions() {
        try (McpSyncClient refunds = client(McpTestTokens.agent("refund-agent", List.of("refunds")))) {
            refunds.initialize();
            assertThat(text(refunds.callTool(call("crm_refund", Map.of("id", "C-7", "amount", 40))))).isEqualTo("refunded 40");
            assertThatThrownBy(() -> refunds.callTool(call("crm_refund", Map.of("id", "C-7", "amount", 400))))
                    .isInstanceOf(McpError.class).hasMessageContaining("$.amount to be a number within [0, 100]; got 400");
            assertThatThrownBy(() -> refunds.callTool(call("crm_refund", Map.of("id", "all", "amount", 1))))
                    .isInstanceOf(McpError.class).hasMessageContaining("$.id to match C-[0-9]+");
            assertThatThrownBy(() -> refunds.callTool(call("crm_refund", Map.of("amount", 1))))
                    .isInstanceOf(McpError.class).hasMessageContaining("requires $.id, which is missing");
        }
    }

    @Test
    void aQuotaRunsOutPerAgentAndTool() {
        try (McpSyncClient support = client(McpTestTokens.agent("quota-agent", List.of("customer-support")));
                McpSyncClient other = client(McpTestTokens.agent("quota-other", List.of("customer-support")))) {
            support.initialize();
            other.initialize();
            for (int i = 0; i < 3; i++) {
                assertThat(text(support.callTool(call("crm_read_customer", Map.of("id", "C-" + i))))).isEqualTo("customer C-" + i);
            }
            assertThatThrownBy(() -> support.callTool(call("crm_read_customer", Map.of("id", "C-9"))))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("customer-support.call[2].quota")
                    .hasMessageContaining("quota of 3 calls per 1h for crm_read_customer is exhausted for agent quota-agent");
            // another tool and another agent have their own counts
            assertThat(text(support.callTool(call("crm_refund", Map.of("id", "C-1", "amount", 1))))).isEqualTo("refunded 1");
            assertThat(text(other.callTool(call("crm_read_customer", Map.of("id", "C-1"))))).isEqualTo("customer C-1");
        }
    }

    @Test
    void twoTasksInOneTokenCombine() {
        // a space-separated claim: either task may allow
        try (McpSyncClient both = client(McpTestTokens.agent("two-tasks", "reader refunds"))) {
            both.initialize();
            assertThat(names(both)).containsExactly("crm_read_customer", "crm_refund");
            assertThat(text(both.callTool(call("crm_read_customer", Map.of("id", "C-2"))))).isEqualTo("customer C-2");
            assertThat(text(both.callTool(call("crm_refund", Map.of("id", "C-2", "amount", 5))))).isEqualTo("refunded 5");
            assertThatThrownBy(() -> both.callTool(call("mail_send_email", Map.of("to", List.of("a@example.com")))))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("task reader: no call rule allows mail_send_email")
                    .hasMessageContaining("task refunds: no call rule allows mail_send_email");
        }
    }

    @Test
    void decisionsAreCountedPerServerToolAndDecision() throws Exception {
        try (McpSyncClient reader = client(McpTestTokens.agent("metrics-reader", List.of("reader")))) {
            reader.initialize();
            reader.callTool(call("crm_read_customer", Map.of("id", "C-3")));
            reader.listTools();
            assertThatThrownBy(() -> reader.callTool(call("crm_refund", Map.of("id", "C-3", "amount", 1)))).isInstanceOf(McpError.class);
        }
        String metrics = HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("portcullis_mcp_decisions_total{")))
                .anySatisfy(l -> assertThat(l).contains("decision=\"allow\"", "server=\"crm\"", "tool=\"crm_read_customer\""))
                .anySatisfy(l -> assertThat(l).contains("decision=\"deny\"", "server=\"crm\"", "tool=\"crm_refund\""))
                // listing decisions are counted too: the reader's tasks hide crm_refund
                .anySatisfy(l -> assertThat(l).contains("decision=\"hide\"", "server=\"crm\"", "tool=\"crm_refund\""));
    }

    @Test
    void shadowModeDeniesNothingButAuditsWhatItWouldHaveDenied() throws Exception {
        try (McpSyncClient reader = client(McpTestTokens.agent("shadow-reader", List.of("reader")), "/shadow")) {
            reader.initialize();
            assertThat(names(reader)).contains("crm_read_customer", "mail_send_email");
            assertThat(text(reader.callTool(call("mail_send_email", Map.of("to", List.of("a@evil.test")))))).startsWith("sent to");
        }
        assertThat(audit("subject=shadow-reader")).anySatisfy(a -> {
            assertThat(a.path("outcome").asText()).isEqualTo("shadow-deny");
            assertThat(a.path("details").path("rule").asText()).isEqualTo("reader.call");
        });
    }

    // ---------------------------------------------------------------- OAuth resource server

    @Test
    void protectedResourceMetadataIsServedInRootAndPathForm() throws Exception {
        for (String path : List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
            JsonNode doc = JSON.readTree(r.body());
            assertThat(doc.path("resource").asText()).isEqualTo(McpTestTokens.RESOURCE);
            assertThat(doc.path("authorization_servers")).extracting(JsonNode::asText).containsExactly(McpTestTokens.ISSUER);
            assertThat(doc.path("scopes_supported")).extracting(JsonNode::asText).containsExactly("mcp:tools");
            assertThat(doc.path("bearer_methods_supported")).extracting(JsonNode::asText).containsExactly("header");
        }
    }

    @Test
    void noTokenIs401WithTheMetadataLink() throws Exception {
        HttpResponse<String> r = initialize(null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate"))
                .singleElement().satisfies(c -> assertThat(c).startsWith("Bearer ").contains("resource_metadata=\"" + METADATA + "\""));
        assertThat(JSON.readTree(r.body()).path("error").path("code").asInt()).isEqualTo(-32000);
    }

    @Test
    void aTokenForAnotherAudienceIs401() throws Exception {
        String other = McpTestTokens.token("aud-agent", "https://other.test/mcp",
                Map.of("scope", "mcp:tools", "authorized_tasks", List.of("reader")));
        HttpResponse<String> r = initialize(other);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(c -> assertThat(c)
                .contains("resource_metadata=\"" + METADATA + "\"", "error=\"invalid_token\"", "audience"));
        // the upstreams never saw it
        assertThat(crm.seen()).noneMatch(s -> s.authorization() != null && s.authorization().contains(other));
    }

    @Test
    void aMissingScopeIs403InsufficientScope() throws Exception {
        String noScope = McpTestTokens.token("scope-agent", McpTestTokens.RESOURCE,
                Map.of("scope", "profile", "authorized_tasks", List.of("reader")));
        HttpResponse<String> r = initialize(noScope);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(c -> assertThat(c)
                .contains("error=\"insufficient_scope\"", "scope=\"mcp:tools\"", "resource_metadata=\"" + METADATA + "\""));
        assertThat(initialize(McpTestTokens.agent("scope-ok", List.of("reader"))).statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- helpers

    /** Audit events of the running gateway, newest first. */
    static JsonNode audit(String query) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/api/audit?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).path("events");
    }

    static McpSyncClient client(String token) {
        return client(token, "/mcp");
    }

    static McpSyncClient client(String token, String path) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + gateway.port())
                .endpoint(path)
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpResponse<String> initialize(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri("/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                         "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static McpServerFeatures.SyncToolSpecification tool(String name, Map<String, Object> properties,
            java.util.function.Function<Map<String, Object>, String> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description("test tool " + name)
                .inputSchema(Map.of("type", "object", "properties", properties)).build();
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) ->
                McpSchema.CallToolResult.builder().addTextContent(handler.apply(request.arguments())).build());
    }

    static McpSchema.CallToolRequest call(String name, Map<String, Object> args) {
        return new McpSchema.CallToolRequest(name, args);
    }

    static List<String> names(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    static long posts(SdkMcpServer server) {
        return server.seen().stream().filter(s -> s.method().equals("POST")).count();
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }
}
