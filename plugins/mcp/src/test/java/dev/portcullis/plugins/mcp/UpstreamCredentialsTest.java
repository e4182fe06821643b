package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each upstream gets its own credential, never the client's: a real token endpoint started by the
 * test issues tokens for the OAuth client credentials grant (one cached token for the gateway)
 * and for RFC 8693 token exchange (a token per client token, for the upstream's audience); the
 * real MCP servers behind the gateway record what they were sent.
 */
class UpstreamCredentialsTest {

    /** One token request as the authorization server saw it. */
    record TokenRequest(String clientAuth, Map<String, String> form) {}

    static final List<TokenRequest> TOKEN_REQUESTS = new CopyOnWriteArrayList<>();
    static final AtomicInteger ISSUED = new AtomicInteger();
    static TestUpstream idp;
    static SdkMcpServer crm;
    static SdkMcpServer mail;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        idp = TestUpstream.start().handleRaw("/token", ex -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            TOKEN_REQUESTS.add(new TokenRequest(auth, form));
            String expected = "Basic " + Base64.getEncoder().encodeToString("gateway:s3cret".getBytes(StandardCharsets.UTF_8));
            String body;
            int status = 200;
            if (!expected.equals(auth)) {
                status = 401;
                body = "{\"error\":\"invalid_client\"}";
            } else if (form.get("grant_type").equals("client_credentials")) {
                body = "{\"access_token\":\"cc-" + ISSUED.incrementAndGet() + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
            } else if (form.get("grant_type").equals(TokenEndpoint.EXCHANGE_GRANT)) {
                // a token for the upstream, naming the user whose token was exchanged
                String sub;
                try {
                    sub = com.nimbusds.jwt.SignedJWT.parse(form.get("subject_token")).getJWTClaimsSet().getSubject();
                } catch (java.text.ParseException e) {
                    sub = "unparsable";
                }
                body = "{\"access_token\":\"ex-" + sub + "-" + ISSUED.incrementAndGet() + "\",\"issued_token_type\":"
                        + "\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":600}";
            } else {
                status = 400;
                body = "{\"error\":\"unsupported_grant_type\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        crm = SdkMcpServer.start("crm", List.of(SdkMcpServer.tool("read", "Reads", (ex, args) -> "crm " + args.get("text"))));
        mail = SdkMcpServer.start("mail", List.of(SdkMcpServer.tool("send", "Sends", (ex, args) -> "mail " + args.get("text"))));
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    policies:
                      - { type: jwt, algorithms: [RS256], staticKeys: ['%s'], issuer: "%s", audience: "%s" }
                    backend:
                      type: mcp
                      servers:
                        - name: crm
                          url: "%s"
                          auth: { type: client-credentials, tokenUrl: "%s/token", clientId: gateway, clientSecret: "${IDP_SECRET}",
                                  scope: "crm.read", resource: "%s" }
                        - name: mail
                          url: "%s"
                          auth: { type: token-exchange, tokenUrl: "%s/token", clientId: gateway, clientSecret: "${IDP_SECRET}",
                                  audience: "mail-server", scope: "mail.send" }
                """.formatted(McpTestTokens.publicJwk(), McpTestTokens.ISSUER, McpTestTokens.RESOURCE,
                crm.url(), idp.url(), crm.url(), mail.url(), idp.url()), Map.of("IDP_SECRET", "s3cret"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {crm, mail, idp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // teardown
            }
        }
    }

    @Test
    void clientCredentialsAndTokenExchangeNeverPassTheClientsToken() {
        String alice = McpTestTokens.agent("alice", List.of());
        String bob = McpTestTokens.agent("bob", List.of());
        for (int i = 0; i < 2; i++) {
            try (McpSyncClient a = client(alice)) {
                a.initialize();
                assertThat(text(a.callTool(new McpSchema.CallToolRequest("crm_read", Map.of("text", "1"))))).isEqualTo("crm 1");
                assertThat(text(a.callTool(new McpSchema.CallToolRequest("mail_send", Map.of("text", "2"))))).isEqualTo("mail 2");
            }
        }
        try (McpSyncClient b = client(bob)) {
            b.initialize();
            assertThat(text(b.callTool(new McpSchema.CallToolRequest("mail_send", Map.of("text", "3"))))).isEqualTo("mail 3");
        }

        // client credentials: one token, fetched once, with the configured scope and resource
        List<TokenRequest> cc = TOKEN_REQUESTS.stream().filter(t -> t.form().get("grant_type").equals("client_credentials")).toList();
        assertThat(cc).hasSize(1);
        assertThat(cc.get(0).form()).containsEntry("scope", "crm.read").containsEntry("resource", crm.url())
                .doesNotContainKey("client_secret");
        String ccToken = "Bearer cc-";
        assertThat(crm.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).startsWith(ccToken));

        // token exchange: one exchange per client token, cached across sessions; the upstream sees only the issued token
        List<TokenRequest> exchanges = TOKEN_REQUESTS.stream()
                .filter(t -> t.form().get("grant_type").equals(TokenEndpoint.EXCHANGE_GRANT)).toList();
        assertThat(exchanges).hasSize(2);
        assertThat(exchanges).extracting(t -> t.form().get("subject_token")).containsExactlyInAnyOrder(alice, bob);
        assertThat(exchanges).allSatisfy(t -> assertThat(t.form())
                .containsEntry("audience", "mail-server").containsEntry("scope", "mail.send")
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:access_token")
                .containsEntry("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"));
        assertThat(mail.seen()).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).matches("Bearer ex-(alice|bob)-[0-9]+"));
        assertThat(mail.seen()).anySatisfy(s -> assertThat(s.authorization()).startsWith("Bearer ex-bob-"));
        for (SdkMcpServer server : List.of(crm, mail)) {
            assertThat(server.seen()).noneSatisfy(s -> assertThat(s.authorization()).contains(alice));
            assertThat(server.seen()).noneSatisfy(s -> assertThat(s.authorization()).contains(bob));
        }
    }

    static McpSyncClient client(String token) {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + gateway.port()).endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build())
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }
}
