package dev.portcullis.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.plugins.ratelimit.RateLimitConfig.FailMode;
import dev.portcullis.plugins.redis.RedisStateStore;
import dev.portcullis.plugins.redis.RedisStoreConfig;
import dev.portcullis.plugins.redis.testing.RedisProcess;
import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The policy over real Redis stores: shared limits across nodes, and what an outage does. */
class RedisBackedRateLimitTest {

    private static RateLimitConfig limit(long limit, Duration period, FailMode failMode) {
        return new RateLimitConfig(List.of("consumer"), null, limit, period, null, null, "redis", failMode, null, null);
    }

    private static RedisStateStore store(String uri, String prefix) {
        // a generous timeout: on a loaded CI machine 200 concurrent calls can queue past 200 ms,
        // and a timed-out call would be admitted by the default fail-open mode
        return new RedisStateStore(new RedisStoreConfig(uri, prefix, Duration.ofSeconds(5), null),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private static TestExchange acme() {
        return TestRequest.get("/").clientIp("10.0.0.1").exchange().route("orders")
                .withIdentity(new Identity("acme-subject", "test", "api-key", null, null, "acme", null));
    }

    @Test
    void twoNodesShareOneLimit() throws Exception {
        RedisTestSupport.requireLocalRedis();
        String prefix = RedisTestSupport.uniquePrefix("ratelimit-nodes");
        try (RedisStateStore a = store(RedisTestSupport.URI, prefix); RedisStateStore b = store(RedisTestSupport.URI, prefix)) {
            RateLimitConfig config = limit(100, Duration.ofMinutes(1), null);
            Policy nodeA = new RateLimitPolicyFactory().create(config, new TestPluginContext().withStore("redis", a));
            Policy nodeB = new RateLimitPolicyFactory().create(config, new TestPluginContext().withStore("redis", b));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Verdict>> verdicts = new ArrayList<>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    Policy node = i % 2 == 0 ? nodeA : nodeB;
                    verdicts.add(threads.submit(() -> {
                        go.await();
                        return node.onRequest(acme());
                    }));
                }
                go.countDown();
                int admitted = 0;
                for (Future<Verdict> v : verdicts) {
                    if (v.get() instanceof Verdict.Proceed) {
                        admitted++;
                    } else {
                        assertThat(((Verdict.Reject) v.get()).failure().status()).isEqualTo(429);
                    }
                }
                assertThat(admitted).isEqualTo(100);
            }
        } finally {
            RedisTestSupport.deleteKeys(prefix);
        }
    }

    @Test
    void unreachableStoreAdmitsWhenOpenAndAnswers503WhenClosed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RedisStateStore down = store("redis://127.0.0.1:" + port, "x:")) {
            TestPluginContext context = new TestPluginContext().withStore("redis", down);
            Policy open = new RateLimitPolicyFactory().create(limit(1, Duration.ofSeconds(1), FailMode.OPEN), context);
            Policy closed = new RateLimitPolicyFactory().create(limit(1, Duration.ofSeconds(1), FailMode.CLOSED), context);
            for (int i = 0; i < 3; i++) {
                TestExchange ex = acme();
                assertThat(open.onRequest(ex)).isInstanceOf(Verdict.Proceed.class);
                ex.response(new Response(200, new Headers(), Body.empty()));
                open.onResponse(ex);
                assertThat(ex.response().headers().contains("RateLimit-Remaining")).as("no decision, no headers").isFalse();

                Verdict v = closed.onRequest(acme());
                assertThat(v).isInstanceOf(Verdict.Reject.class);
                Failure f = ((Verdict.Reject) v).failure();
                assertThat(f.status()).isEqualTo(503);
                assertThat(f.code()).isEqualTo("rate-limit-unavailable");
                assertThat(f.detail()).isEqualTo("the rate-limit store 'redis' cannot answer; try again shortly");
                assertThat(f.headers().get("Retry-After")).isEqualTo("1");
            }
            assertThat(context.meters().get("portcullis.ratelimit.store_failures").tag("failMode", "open").counter().count()).isEqualTo(3);
            assertThat(context.meters().get("portcullis.ratelimit.store_failures").tag("failMode", "closed").counter().count()).isEqualTo(3);
        }
    }

    @Test
    void limitsHoldAgainOnceRedisIsBack() throws Exception {
        try (RedisProcess redis = RedisProcess.start(); RedisStateStore shared = store(redis.uri(), "p:")) {
            TestPluginContext context = new TestPluginContext().withStore("redis", shared);
            Policy closed = new RateLimitPolicyFactory().create(limit(2, Duration.ofMinutes(1), FailMode.CLOSED), context);
            assertThat(closed.onRequest(acme())).isInstanceOf(Verdict.Proceed.class);
            assertThat(closed.onRequest(acme())).isInstanceOf(Verdict.Proceed.class);
            assertThat(status(closed.onRequest(acme()))).isEqualTo(429);

            redis.kill();
            assertThat(status(closed.onRequest(acme()))).isEqualTo(503);
            assertThat(status(closed.onRequest(acme()))).isEqualTo(503);

            redis.startAgain(); // an empty server: budgets start afresh
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            Verdict v;
            while ((v = closed.onRequest(acme())) instanceof Verdict.Reject r && r.failure().status() == 503) {
                assertThat(System.nanoTime() - deadline).as("recovered within 5s").isNegative();
                Thread.sleep(50);
            }
            assertThat(v).isInstanceOf(Verdict.Proceed.class);
            assertThat(closed.onRequest(acme())).isInstanceOf(Verdict.Proceed.class);
            assertThat(status(closed.onRequest(acme()))).isEqualTo(429);
        }
    }

    private static int status(Verdict v) {
        return v instanceof Verdict.Reject r ? r.failure().status() : 200;
    }
}
