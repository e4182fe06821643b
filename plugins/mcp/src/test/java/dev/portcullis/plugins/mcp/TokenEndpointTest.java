package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.testing.TestUpstream;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's token cache against a real token endpoint on loopback, with the clock in the
 * test's hands: refresh shortly before expiry, forgetting a refused token, failures, and the
 * config checks of upstream credentials and stdio servers.
 */
class TokenEndpointTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    final AtomicInteger issued = new AtomicInteger();
    final TestClock clock = new TestClock(Instant.parse("2026-11-24T10:00:00Z"));
    volatile int status = 200;
    TestUpstream idp;

    @BeforeEach
    void start() {
        idp = TestUpstream.start().handle("/token", ex -> TestUpstream.send(ex, status, "application/json", status == 200
                ? "{\"access_token\":\"t" + issued.incrementAndGet() + "\",\"token_type\":\"bearer\",\"expires_in\":120}"
                : "{\"error\":\"invalid_client\",\"error_description\":\"no\"}"));
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    UpstreamAuthConfig config(String type, String clientAuth) {
        return new UpstreamAuthConfig(type, null, null, null, idp.url() + "/token", "gw", "pw", clientAuth, null, null, null,
                null, Duration.ofSeconds(30), null);
    }

    @Test
    void aClientCredentialsTokenIsCachedUntilShortlyBeforeItExpires() throws IOException {
        TokenEndpoint endpoint = new TokenEndpoint(config("client-credentials", "post"), HTTP, clock);
        Requester anyone = new Requester("c", null, null);
        assertThat(endpoint.token(anyone)).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(89));
        assertThat(endpoint.token(anyone)).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(2)); // 91 s of 120: within refreshBefore (30 s) of expiry
        assertThat(endpoint.token(anyone)).isEqualTo("t2");
        assertThat(idp.received()).hasSize(2);
        assertThat(idp.last().bodyText()).contains("grant_type=client_credentials", "client_id=gw", "client_secret=pw");
        assertThat(idp.last().header("Authorization")).isNull();

        endpoint.forget(anyone); // the upstream said 401
        assertThat(endpoint.token(anyone)).isEqualTo("t3");
    }

    @Test
    void exchangedTokensAreCachedPerClientTokenAndNeedOne() throws IOException {
        TokenEndpoint endpoint = new TokenEndpoint(config("token-exchange", "basic"), HTTP, clock);
        assertThat(endpoint.token(new Requester("c", "alice", "alice-token"))).isEqualTo("t1");
        assertThat(endpoint.token(new Requester("c", "alice", "alice-token"))).isEqualTo("t1");
        assertThat(endpoint.token(new Requester("c", "bob", "bob-token"))).isEqualTo("t2");
        assertThat(idp.last().bodyText()).contains("subject_token=bob-token");
        assertThat(idp.last().header("Authorization")).startsWith("Basic ");
        assertThatThrownBy(() -> endpoint.token(new Requester("c", "api-key-user", null)))
                .isInstanceOf(IOException.class).hasMessageContaining("validated bearer token");
        assertThat(new Requester("c", "alice", "alice-token").toString()).doesNotContain("alice-token");
    }

    @Test
    void aRefusingTokenEndpointFailsTheRequestWithItsErrorCode() {
        status = 401;
        TokenEndpoint endpoint = new TokenEndpoint(config("client-credentials", "basic"), HTTP, clock);
        assertThatThrownBy(() -> endpoint.token(new Requester("c", null, null)))
                .isInstanceOf(IOException.class).hasMessage("the token endpoint answered HTTP 401 invalid_client");
    }

    @Test
    void serverAndCredentialConfigsAreChecked() {
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", "http://x/mcp", Map.of(), null, "java", null, null, null, null, null)))
                .anySatisfy(l -> assertThat(l).contains("exactly one of url"));
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", null, Map.of(), null, null, null, null, null, null, null)))
                .anySatisfy(l -> assertThat(l).contains("exactly one of url"));
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", null, Map.of("X", "1"), null, "node", List.of("s.js"),
                Map.of("K", "v"), null, 0, true))).containsExactlyInAnyOrder(
                "headers: only for url servers (a stdio server gets env)",
                "maxConcurrentRequests: must be at least 1",
                "stateless: only for url servers");
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", "http://x/mcp", Map.of(), null, null, List.of("x"), null, null, null, null)))
                .containsExactly("command: args, env and workingDirectory need a command");
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", "http://x/mcp", Map.of("X-Correlation-Id", "1"))))
                .containsExactly("headers.X-Correlation-Id: is set by the gateway itself");
        UpstreamAuthConfig noSecret = new UpstreamAuthConfig("token-exchange", null, null, null, "ftp://idp/token", "gw", null,
                "jwt", null, null, null, null, null, null);
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", "http://x/mcp", Map.of(), noSecret, null, null, null, null, null, null)))
                .containsExactlyInAnyOrder("auth.clientSecret: is required", "auth.tokenUrl: not an absolute http(s) URL",
                        "auth.clientAuth: must be basic or post");
        UpstreamAuthConfig bearer = new UpstreamAuthConfig("bearer", "t", null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(CollectingConfigErrors.of(new McpServerConfig("a", "http://x/mcp", Map.of("authorization", "x"), bearer, null, null,
                null, null, null, null))).containsExactly("headers: sets the header auth sets; keep one");
        assertThat(CollectingConfigErrors.of(new UpstreamAuthConfig("magic", null, null, null, null, null, null, null, null, null, null,
                null, null, null))).containsExactly("type: must be bearer, api-key, client-credentials or token-exchange");
        assertThat(CollectingConfigErrors.of(new GuardConfig(null, null, "block", null, null)))
                .containsExactly("results: scanning tool results needs a detector");
    }
}
