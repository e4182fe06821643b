package dev.portcullis.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes, each a whole in-process gateway with its own listener, share one budget
 * through one real Redis (127.0.0.1:6379): 200 concurrent requests, half to each node, against a
 * limit of 100 per minute. Each node alone would admit all of its 100; together they admit 100
 * (101 at most) and refuse the rest with 429 problem+json.
 */
class TwoGatewaysSharedRedisTest {

    private static final int REQUESTS = 200;
    private static final int LIMIT = 100;

    private static final String CONFIG = """
            server: { accessLog: { enabled: false }, watchConfig: false }
            stores:
              shared: { type: redis, uri: "redis://127.0.0.1:6379", keyPrefix: "%s", timeout: 2s }
            routes:
              - name: orders
                match: { pathPrefix: /orders }
                policies: [ { type: rate-limit, key: ip, limit: %d, period: 1m, store: shared, failMode: closed } ]
                backend: { type: http, targets: [ { url: "%s" } ] }
            """;

    /** One answer, and which node gave it. */
    private record Answer(int node, HttpResponse<String> response) {}

    @Test
    void twoGatewaysOnOneRedisAdmitAtMostTheLimitBetweenThem() throws Exception {
        RedisTestSupport.requireLocalRedis();
        String prefix = RedisTestSupport.uniquePrefix("ratelimit-two-gateways");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try (TestUpstream upstream = TestUpstream.start().respond("/", 200, "application/json", "{\"ok\":true}");
                TestGateway nodeA = TestGateway.start(CONFIG.formatted(prefix, LIMIT, upstream.url()));
                TestGateway nodeB = TestGateway.start(CONFIG.formatted(prefix, LIMIT, upstream.url()));
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(nodeA.port()).isNotEqualTo(nodeB.port());
            List<TestGateway> nodes = List.of(nodeA, nodeB);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> answers = new ArrayList<>(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                int node = i % 2;
                URI uri = nodes.get(node).uri("/orders/" + i);
                answers.add(threads.submit(() -> {
                    go.await();
                    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build();
                    return new Answer(node, client.send(request, HttpResponse.BodyHandlers.ofString()));
                }));
            }
            go.countDown();

            int admitted = 0;
            int[] answeredBy = new int[2];
            for (Future<Answer> f : answers) {
                Answer a = f.get();
                answeredBy[a.node()]++;
                HttpResponse<String> r = a.response();
                if (r.statusCode() == 200) {
                    admitted++;
                    continue;
                }
                assertThat(r.statusCode()).as("a refusal (body: %s)", r.body()).isEqualTo(429);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body())
                        .contains("urn:portcullis:problem:rate-limited")
                        .contains("limit of 100 per 1m for ip '127.0.0.1' exceeded");
            }

            assertThat(answeredBy).as("requests answered per node").containsExactly(REQUESTS / 2, REQUESTS / 2);
            assertThat(admitted).as("admitted by both nodes together").isBetween(LIMIT, LIMIT + 1);
            assertThat(upstream.received()).as("requests that reached the upstream").hasSize(admitted);
            assertThat(redisKeys(prefix)).as("the budget lives in Redis under the run's prefix").isNotEmpty();
        } finally {
            RedisTestSupport.deleteKeys(prefix);
            assertThat(redisKeys(prefix)).as("keys left behind").isEmpty();
        }
    }

    private static List<String> redisKeys(String prefix) {
        RedisClient redis = RedisClient.create(RedisTestSupport.URI);
        try (StatefulRedisConnection<String, String> c = redis.connect()) {
            return c.sync().keys(prefix + "*");
        } finally {
            redis.shutdown();
        }
    }
}
