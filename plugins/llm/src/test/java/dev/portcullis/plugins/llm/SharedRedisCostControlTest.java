package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes share token limits and budgets through one real Redis (127.0.0.1:6379): a
 * burst spread over both nodes admits no more than one limit between them, settles to the exact
 * usage, and a budget spent on one node is listed, enforced and reset through the other node's
 * admin API.
 */
class SharedRedisCostControlTest {

    static final long LIMIT = 300;
    static final long TOKENS_PER_ANSWER = 29; // the OpenAI mock: prompt 19 + completion 10

    static final String CONFIG = """
            server: { accessLog: { enabled: false }, watchConfig: false }
            stores:
              shared: { type: redis, uri: "redis://127.0.0.1:6379", keyPrefix: "%1$s", timeout: 2s }
            routes:
              - name: tpm
                match: { pathPrefix: /tpm/v1 }
                policies: [ { type: llm-test-identity }, { type: token-rate-limit, key: consumer, tokensPerHour: %2$d, store: shared, failMode: closed } ]
            %3$s
              - name: budget
                match: { pathPrefix: /budget/v1 }
                policies:
                  - { type: llm-test-identity }
                  - { type: budget, period: month, amount: 0.001, prices: { gpt: { input: 10.0, output: 30.0 } }, store: shared }
            %3$s
            """;

    static MockProviders mocks;
    static TestGateway nodeA;
    static TestGateway nodeB;
    static String prefix;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        RedisTestSupport.requireLocalRedis();
        prefix = RedisTestSupport.uniquePrefix("llm-cost-control");
        mocks = new MockProviders();
        String backend = """
                    backend:
                      type: llm
                      providers:
                        - { name: openai, type: openai, baseUrl: "%s/openai/ok/v1", apiKey: "k", models: { gpt: gpt-4o-mini } }
                """.formatted(mocks.url());
        String yaml = CONFIG.formatted(prefix, LIMIT, backend);
        nodeA = TestGateway.start(yaml);
        nodeB = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (mocks != null) {
            mocks.close();
        }
        if (prefix != null) {
            RedisTestSupport.deleteKeys(prefix);
        }
    }

    static HttpResponse<String> post(URI uri, String consumer, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("X-Test-Consumer", consumer).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode admin(TestGateway node, String method, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.adminUri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return MockProviders.JSON.readTree(r.body());
    }

    @Test
    void aBurstOverTwoNodesStaysWithinOneLimitAndSettlesExactly() throws Exception {
        String body = "{\"model\":\"gpt\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 64; i++) {
                URI uri = (i % 2 == 0 ? nodeA : nodeB).uri("/tpm/v1/chat/completions");
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(uri, "burst", body);
                }));
            }
            go.countDown();
        }
        int ok = 0;
        int limited = 0;
        for (Future<HttpResponse<String>> f : answers) {
            int status = f.get().statusCode();
            ok += status == 200 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        assertThat(ok + limited).isEqualTo(64);
        assertThat(limited).isPositive();
        // one reservation is the input estimate (7) + max_tokens (40)
        assertThat(ok * TOKENS_PER_ANSWER).isLessThanOrEqualTo(LIMIT + 47);

        // the Redis counter ends at exactly the reported usage: a probe that cannot fit reads the room
        String probe = "{\"model\":\"gpt\",\"max_tokens\":290,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        String expected = Long.toString(LIMIT - ok * TOKENS_PER_ANSWER);
        String remaining = null;
        for (int i = 0; i < 40 && !expected.equals(remaining); i++) {
            Thread.sleep(50);
            HttpResponse<String> p = post((i % 2 == 0 ? nodeB : nodeA).uri("/tpm/v1/chat/completions"), "burst", probe);
            assertThat(p.statusCode()).isEqualTo(429);
            remaining = p.headers().firstValue("RateLimit-Remaining").orElseThrow();
        }
        assertThat(remaining).isEqualTo(expected);
    }

    @Test
    void aBudgetSpentOnOneNodeIsListedEnforcedAndResetOnTheOther() throws Exception {
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        // 490 micro-USD per answer against 1000: the third answer exhausts the budget
        for (int i = 0; i < 3; i++) {
            assertThat(post(nodeA.uri("/budget/v1/chat/completions"), "shared-spender", body).statusCode()).isEqualTo(200);
        }
        Thread.sleep(100); // charges are settled just after the answer
        JsonNode list = admin(nodeB, "GET", "/api/routes/budget/admin/spend");
        assertThat(list.path("period").asText()).isEqualTo("month");
        JsonNode entry = CostControlGatewayTest.bySubject(list, "shared-spender");
        assertThat(entry.path("spent").decimalValue()).isEqualByComparingTo("0.00147");
        assertThat(entry.path("remaining").decimalValue()).isEqualByComparingTo("0");
        assertThat(entry.path("exhausted").asBoolean()).isTrue();

        assertThat(post(nodeB.uri("/budget/v1/chat/completions"), "shared-spender", body).statusCode()).isEqualTo(429);
        assertThat(admin(nodeB, "DELETE", "/api/routes/budget/admin/spend/shared-spender").path("spentBefore").decimalValue())
                .isEqualByComparingTo("0.00147");
        assertThat(post(nodeA.uri("/budget/v1/chat/completions"), "shared-spender", body).statusCode()).isEqualTo(200);
    }
}
