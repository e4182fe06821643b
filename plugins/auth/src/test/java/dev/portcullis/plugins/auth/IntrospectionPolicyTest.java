package dev.portcullis.plugins.auth;

import static dev.portcullis.testkit.Verdicts.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IntrospectionPolicyTest {

    private final TestClock clock = new TestClock(Instant.now());
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int status = 200;
    private HttpServer server;
    private Policy policy;

    /** A real RFC 7662 endpoint: checks the client's Basic credentials and knows one active token. */
    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/introspect", exchange -> {
            calls.incrementAndGet();
            String expected = "Basic " + Base64.getEncoder().encodeToString("gateway:s3cr%3At".getBytes(StandardCharsets.UTF_8));
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String token = URLDecoder.decode(form.replaceAll("^token=([^&]*).*$", "$1"), StandardCharsets.UTF_8);
            String body;
            int code = status;
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                code = 401;
                body = "{\"error\":\"invalid_client\"}";
            } else if (token.equals("opaque+token/1")) {
                long exp = clock.instant().plusSeconds(3600).getEpochSecond();
                body = "{\"active\":true,\"sub\":\"support-agent\",\"client_id\":\"crm\",\"iss\":\"https://as.test\","
                        + "\"scope\":\"orders:read\",\"exp\":" + exp + ",\"extra\":null}";
            } else {
                body = "{\"active\":false}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        policy.close();
        server.stop(0);
    }

    private Policy policy(String clientSecret) {
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/introspect");
        var config = new IntrospectionConfig(endpoint, "gateway", clientSecret, Duration.ofSeconds(60), Duration.ofSeconds(2),
                null, null, null);
        policy = new IntrospectionPolicyFactory().create(config,
                new TestPluginContext().withConsumers(List.of(new Consumer("support-agent", Map.of("team", "support"), null))));
        return policy;
    }

    private TestExchange request(String token) {
        return TestExchange.get("/", "Authorization", "Bearer " + token).clock(clock);
    }

    @Test
    void activeTokenEstablishesIdentityAndIsCached() {
        Policy p = policy("s3cr:t");
        TestExchange exchange = request("opaque+token/1");

        assertThat(p.onRequest(exchange)).isInstanceOf(Verdict.Proceed.class);
        Identity id = exchange.identity().orElseThrow();
        assertThat(id.method()).isEqualTo("oauth2-introspection");
        assertThat(id.subject()).isEqualTo("support-agent");
        assertThat(id.issuer()).isEqualTo("https://as.test");
        assertThat(id.scopes()).containsExactly("orders:read");
        assertThat(id.consumer()).isEqualTo("support-agent");
        assertThat(id.labels()).containsEntry("team", "support");
        assertThat(id.claims()).containsEntry("client_id", "crm").doesNotContainKey("extra");

        assertThat(p.onRequest(request("opaque+token/1"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(calls.get()).as("second request served from cache").isEqualTo(1);

        clock.advance(Duration.ofSeconds(61));
        assertThat(p.onRequest(request("opaque+token/1"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(calls.get()).as("asked again after cacheTtl").isEqualTo(2);
    }

    @Test
    void inactiveTokenIs401AndTheAnswerIsCachedToo() {
        Policy p = policy("s3cr:t");
        for (int i = 0; i < 2; i++) {
            Failure f = failureOf(p.onRequest(request("revoked")));
            assertThat(f.status()).isEqualTo(401);
            assertThat(f.code()).isEqualTo("token-invalid");
            assertThat(f.headers().get("WWW-Authenticate")).contains("error=\"invalid_token\"").contains("not active");
        }
        assertThat(calls.get()).isEqualTo(1);
        assertThat(failureOf(p.onRequest(TestExchange.get("/").clock(clock))).code()).isEqualTo("credentials-missing");
    }

    @Test
    void endpointFailuresAre503AndNotCached() {
        Policy p = policy("wrong-secret");
        Failure f = failureOf(p.onRequest(request("opaque+token/1")));
        assertThat(f.status()).isEqualTo(503);
        assertThat(f.code()).isEqualTo("auth-unavailable");
        assertThat(f.detail()).doesNotContain("wrong-secret").doesNotContain("opaque");
        failureOf(p.onRequest(request("opaque+token/1")));
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void configErrors() {
        policy = policy("x");
        assertThat(CollectingConfigErrors.of(new IntrospectionConfig(URI.create("/relative"), " ", "", null, Duration.ZERO, null, null, null)))
                .containsExactly("endpoint: not an absolute http(s) URL", "clientId: is required",
                        "clientSecret: is required (is its environment variable set?)", "timeout: must be positive");
    }
}
