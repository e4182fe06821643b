package dev.portcullis.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rate-limit policy inside the real gateway, over real HTTP, with YAML config and real stores. */
class RateLimitGatewayTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestUpstream upstream;
    static TestGateway gateway;
    static String prefix;

    @BeforeAll
    static void start() throws Exception {
        RedisTestSupport.requireLocalRedis();
        prefix = RedisTestSupport.uniquePrefix("gateway");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        upstream = TestUpstream.start().respond("/", 200, "text/plain", "ok");
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                stores:
                  shared: { type: redis, uri: "redis://127.0.0.1:6379", keyPrefix: "%s", timeout: 500ms }
                  down:   { type: redis, uri: "redis://127.0.0.1:%d", timeout: 100ms, failMode: closed }
                policies:
                  per-consumer: { type: rate-limit, key: consumer, limit: 3, period: 1m, store: shared, scope: global }
                routes:
                  - name: local
                    match: { pathPrefix: /local }
                    policies: [ { type: rate-limit, key: ip, limit: 2, period: 1m } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: a
                    match: { pathPrefix: /a }
                    policies: [ { type: test-consumer-header }, per-consumer ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: b
                    match: { pathPrefix: /b }
                    policies: [ { type: test-consumer-header }, per-consumer ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: closed
                    match: { pathPrefix: /closed }
                    policies: [ { type: rate-limit, key: ip, limit: 2, period: 1m, store: down, failMode: closed } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: open
                    match: { pathPrefix: /open }
                    policies: [ { type: rate-limit, key: ip, limit: 2, period: 1m, store: down } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                """.formatted(prefix, closedPort, upstream.url(), upstream.url(), upstream.url(), upstream.url(), upstream.url()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (prefix != null) {
            RedisTestSupport.deleteKeys(prefix);
        }
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void admitsWithHeadersThenAnswers429ProblemWithRetryAfter() throws Exception {
        for (int left = 1; left >= 0; left--) {
            HttpResponse<String> ok = get("/local/x");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit-Limit")).hasValue("2");
            assertThat(ok.headers().firstValue("RateLimit-Remaining")).hasValue(Integer.toString(left));
            assertThat(ok.headers().firstValue("RateLimit-Reset")).isPresent();
        }
        int reachedUpstream = upstream.received().size();

        HttpResponse<String> refused = get("/local/x");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body())
                .contains("urn:portcullis:problem:rate-limited")
                .contains("limit of 2 per 1m for ip '127.0.0.1' exceeded");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 120L);
        assertThat(refused.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(upstream.received()).hasSize(reachedUpstream);
    }

    @Test
    void aGlobalPolicyOnRedisIsOneBudgetAcrossRoutesPerConsumer() throws Exception {
        assertThat(get("/a/x", "X-Test-Consumer", "acme").statusCode()).isEqualTo(200);
        assertThat(get("/b/x", "X-Test-Consumer", "acme").statusCode()).isEqualTo(200);
        HttpResponse<String> third = get("/a/x", "X-Test-Consumer", "acme");
        assertThat(third.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        HttpResponse<String> refused = get("/b/x", "X-Test-Consumer", "acme");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("limit of 3 per 1m for consumer 'acme' exceeded");
        assertThat(get("/b/x", "X-Test-Consumer", "globex").statusCode()).isEqualTo(200);
    }

    @Test
    void unavailableStoreFailsClosedWith503OrOpenWithoutHeaders() throws Exception {
        HttpResponse<String> closed = get("/closed/x");
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(closed.body()).contains("urn:portcullis:problem:rate-limit-unavailable");
        assertThat(closed.headers().firstValue("Retry-After")).hasValue("1");

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> open = get("/open/x");
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.headers().firstValue("RateLimit-Remaining")).isEmpty();
        }
        HttpResponse<String> metrics = CLIENT.send(HttpRequest.newBuilder(gateway.adminUri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("portcullis_ratelimit_store_failures_total").contains("portcullis_store_errors_total");
    }

    @Test
    void invalidConfigIsRefusedWithEveryErrorAndItsPath() {
        assertThatThrownBy(() -> TestGateway.start("""
                routes:
                  - name: r
                    match: { pathPrefix: /r }
                    policies: [ { type: rate-limit, key: [ consumer, foo ], period: 0s, algorithm: sliding-window, burst: 5 } ]
                    backend: { type: http, targets: [ { url: "http://127.0.0.1:1" } ] }
                """).close())
                .hasMessageContaining("key[1]: unknown key kind 'foo' (consumer, ip, route, header:<name>, claim:<name>)")
                .hasMessageContaining("routes[0].policies[0].limit: required")
                .hasMessageContaining("period: must be positive")
                .hasMessageContaining("burst: only applies to algorithm token-bucket");
    }
}
