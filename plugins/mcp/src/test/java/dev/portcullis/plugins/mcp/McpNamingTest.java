package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.kernel.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code prefix} option (upstream names with one server, {@code <server>_<name>} with several,
 * collisions refused with {@code never}) and the default loopback origins, through the whole gateway.
 */
class McpNamingTest {

    static SdkMcpServer crm;
    static SdkMcpServer mail;
    static SdkMcpServer crm2;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        crm = SdkMcpServer.start("crm", List.of(SdkMcpServer.tool("read_customer", "Reads a customer", (ex, a) -> "crm " + a.get("text"))));
        mail = SdkMcpServer.start("mail", List.of(SdkMcpServer.tool("send_email", "Sends mail", (ex, a) -> "mail " + a.get("text"))));
        crm2 = SdkMcpServer.start("crm2", List.of(SdkMcpServer.tool("read_customer", "Reads another customer", (ex, a) -> "crm2")));
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - { name: single, match: { path: /single }, backend: { type: mcp, servers: [ { name: crm, url: "%1$s" } ] } }
                  - name: single-always
                    match: { path: /always }
                    backend: { type: mcp, prefix: always, servers: [ { name: crm, url: "%1$s" } ] }
                  - name: two-never
                    match: { path: /never }
                    backend: { type: mcp, prefix: never, servers: [ { name: crm, url: "%1$s" }, { name: mail, url: "%2$s" } ] }
                  - name: clash
                    match: { path: /clash }
                    backend: { type: mcp, prefix: never, servers: [ { name: crm, url: "%1$s" }, { name: crm2, url: "%3$s" } ] }
                  - name: two-auto
                    match: { path: /auto }
                    backend: { type: mcp, servers: [ { name: crm, url: "%1$s" }, { name: crm2, url: "%3$s" } ] }
                """.formatted(crm.url(), mail.url(), crm2.url()));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, crm, mail, crm2}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static McpSyncClient client(String path) {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + gateway.port()).endpoint(path).build())
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    static List<String> names(McpSyncClient c) {
        return c.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @Test
    void oneServerKeepsTheUpstreamNamesUnlessPrefixIsAlways() {
        try (McpSyncClient c = client("/single")) {
            c.initialize();
            assertThat(names(c)).containsExactly("read_customer");
            assertThat(text(c.callTool(new McpSchema.CallToolRequest("read_customer", Map.of("text", "1"))))).isEqualTo("crm 1");
        }
        try (McpSyncClient c = client("/always")) {
            c.initialize();
            assertThat(names(c)).containsExactly("crm_read_customer");
            assertThat(text(c.callTool(new McpSchema.CallToolRequest("crm_read_customer", Map.of("text", "2"))))).isEqualTo("crm 2");
        }
    }

    @Test
    void severalServersArePrefixedByDefault() {
        try (McpSyncClient c = client("/auto")) {
            c.initialize();
            assertThat(names(c)).containsExactly("crm_read_customer", "crm2_read_customer");
            assertThat(text(c.callTool(new McpSchema.CallToolRequest("crm2_read_customer", Map.of())))).isEqualTo("crm2");
        }
    }

    @Test
    void neverRoutesBareNamesToTheirOwnerAndRefusesACollisionNamingBothServers() {
        try (McpSyncClient c = client("/never")) {
            c.initialize();
            assertThat(names(c)).containsExactly("read_customer", "send_email");
            assertThat(text(c.callTool(new McpSchema.CallToolRequest("send_email", Map.of("text", "a"))))).isEqualTo("mail a");
            assertThat(text(c.callTool(new McpSchema.CallToolRequest("read_customer", Map.of("text", "b"))))).isEqualTo("crm b");
        }
        try (McpSyncClient c = client("/clash")) {
            c.initialize();
            assertThatThrownBy(c::listTools).hasMessageContaining("'crm'").hasMessageContaining("'crm2'")
                    .hasMessageContaining("read_customer");
        }
    }

    @Test
    void withoutAllowedOriginsLoopbackOriginsAreServedAndOthersRefused() throws Exception {
        for (String origin : List.of("http://localhost", "http://localhost:6274", "https://127.0.0.1:8443", "http://[::1]:3000")) {
            assertThat(initialize(origin).statusCode()).as(origin).isEqualTo(200);
        }
        for (String origin : List.of("http://evil.example", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "null")) {
            HttpResponse<String> r = initialize(origin);
            assertThat(r.statusCode()).as(origin).isEqualTo(403);
            JsonNode body = McpGatewayTest.JSON.readTree(r.body());
            assertThat(body.path("error").path("message").asText()).contains("origin not allowed");
        }
    }

    static HttpResponse<String> initialize(String origin) throws Exception {
        return McpGatewayTest.HTTP.send(HttpRequest.newBuilder(gateway.uri("/single"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString(McpGatewayTest.initialize())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
