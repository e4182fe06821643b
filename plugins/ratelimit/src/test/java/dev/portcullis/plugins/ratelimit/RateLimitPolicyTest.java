package dev.portcullis.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.store.LocalStateStore;
import dev.portcullis.plugins.ratelimit.RateLimitConfig.Algorithm;
import dev.portcullis.plugins.ratelimit.RateLimitConfig.Scope;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The policy against the real local store on a hand-moved clock. */
class RateLimitPolicyTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000_000L);
    private final LocalStateStore store = new LocalStateStore(10_000, now::get);
    private final TestPluginContext context = new TestPluginContext().withStore("default", store);

    private Policy policy(List<String> key, Algorithm algorithm, long limit, Duration period, Long burst) {
        return policy(new RateLimitConfig(key, algorithm, limit, period, burst, null, null, null, null, null));
    }

    private Policy policy(RateLimitConfig config) {
        return new RateLimitPolicyFactory().create(config, context);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** A GET from {@code clientIp} on {@code route}, with header lines from name/value pairs. */
    private static TestExchange exchange(String route, String clientIp, String... headers) {
        return TestRequest.get("/").headers(headers).clientIp(clientIp).exchange().route(route);
    }

    /** The identity an auth policy establishes for a configured consumer. */
    private static Identity consumer(String name) {
        return new Identity(name + "-subject", "test", "api-key", null, null, name, null);
    }

    /** Runs the request phase and, if admitted, a 200 through the response phase; returns the verdict. */
    private static Verdict call(Policy p, TestExchange ex) {
        Verdict v = p.onRequest(ex);
        if (v instanceof Verdict.Proceed) {
            ex.response(new Response(200, new Headers(), Body.empty()));
            assertThat(p.onResponse(ex)).isInstanceOf(Verdict.Proceed.class);
        }
        return v;
    }

    private static Failure rejected(Verdict v) {
        assertThat(v).isInstanceOf(Verdict.Reject.class);
        return ((Verdict.Reject) v).failure();
    }

    @Test
    void slidingWindowSendsHeadersAndThen429WithRetryAfter() {
        Policy p = policy(List.of("consumer"), null, 3, Duration.ofSeconds(1), null);
        for (int left = 2; left >= 0; left--) {
            TestExchange ex = exchange("orders", "10.0.0.1").withIdentity(consumer("acme"));
            assertThat(call(p, ex)).isInstanceOf(Verdict.Proceed.class);
            Headers h = ex.response().headers();
            assertThat(h.get("RateLimit-Limit")).isEqualTo("3");
            assertThat(h.get("RateLimit-Remaining")).isEqualTo(Integer.toString(left));
            assertThat(Long.parseLong(h.get("RateLimit-Reset"))).isBetween(1L, 2L);
        }
        Failure f = rejected(call(p, exchange("orders", "10.0.0.1").withIdentity(consumer("acme"))));
        assertThat(f.status()).isEqualTo(429);
        assertThat(f.code()).isEqualTo("rate-limited");
        assertThat(f.detail()).isEqualTo("limit of 3 per 1s for consumer 'acme' exceeded");
        assertThat(f.headers().get("RateLimit-Limit")).isEqualTo("3");
        assertThat(f.headers().get("RateLimit-Remaining")).isEqualTo("0");
        long retryAfter = Long.parseLong(f.headers().get("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 2L);

        // Another consumer has its own budget; the first one gets through once Retry-After has passed.
        assertThat(call(p, exchange("orders", "10.0.0.1").withIdentity(consumer("globex"))))
                .isInstanceOf(Verdict.Proceed.class);
        advance(Duration.ofSeconds(retryAfter));
        assertThat(call(p, exchange("orders", "10.0.0.1").withIdentity(consumer("acme"))))
                .isInstanceOf(Verdict.Proceed.class);
    }

    @Test
    void tokenBucketAllowsABurstThenRefills() {
        Policy p = policy(List.of("ip"), Algorithm.TOKEN_BUCKET, 2, Duration.ofSeconds(1), 4L);
        for (int i = 0; i < 4; i++) {
            TestExchange ex = exchange("orders", "10.0.0.9");
            assertThat(call(p, ex)).isInstanceOf(Verdict.Proceed.class);
            assertThat(ex.response().headers().get("RateLimit-Limit")).isEqualTo("4");
        }
        Failure f = rejected(call(p, exchange("orders", "10.0.0.9")));
        assertThat(f.detail()).isEqualTo("limit of 2 per 1s (burst 4) for ip '10.0.0.9' exceeded");
        assertThat(f.headers().get("Retry-After")).isEqualTo("1"); // 0.5s, rounded up
        assertThat(f.headers().get("RateLimit-Reset")).isEqualTo("2"); // 4 tokens at 2/s

        advance(Duration.ofMillis(500));
        assertThat(call(p, exchange("orders", "10.0.0.9"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(p.onRequest(exchange("orders", "10.0.0.9"))).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void withoutAnIdentityTheConsumerKeyIsTheClientIp() {
        Policy p = policy(List.of("consumer"), null, 1, Duration.ofMinutes(1), null);
        assertThat(call(p, exchange("r", "192.0.2.7"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(rejected(call(p, exchange("r", "192.0.2.7"))).detail())
                .isEqualTo("limit of 1 per 1m for ip '192.0.2.7' exceeded");
        assertThat(call(p, exchange("r", "192.0.2.8"))).isInstanceOf(Verdict.Proceed.class);

        // An identity without a consumer is limited by its subject, wherever it comes from.
        Identity jwt = new Identity("agent-7", "https://issuer", "jwt", null, Map.of("tenant", "t1"), null, null);
        assertThat(call(p, exchange("r", "192.0.2.7").withIdentity(jwt))).isInstanceOf(Verdict.Proceed.class);
        assertThat(rejected(call(p, exchange("r", "192.0.2.9").withIdentity(jwt))).detail())
                .isEqualTo("limit of 1 per 1m for consumer 'agent-7' exceeded");
    }

    @Test
    void headerAndClaimKeysHideTheirValues() {
        Policy byHeader = policy(List.of("header:X-Tenant"), null, 1, Duration.ofSeconds(10), null);
        assertThat(call(byHeader, exchange("r", "10.0.0.1", "x-tenant", "secret-a"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(call(byHeader, exchange("r", "10.0.0.2", "X-Tenant", "secret-b"))).isInstanceOf(Verdict.Proceed.class);
        Failure f = rejected(call(byHeader, exchange("r", "10.0.0.3", "X-Tenant", "secret-a")));
        assertThat(f.detail()).isEqualTo("limit of 1 per 10s for header 'X-Tenant' exceeded").doesNotContain("secret");
        // No header: the client IP stands in.
        assertThat(call(byHeader, exchange("r", "10.0.0.3"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(rejected(call(byHeader, exchange("r", "10.0.0.3"))).detail()).contains("ip '10.0.0.3'");

        Policy byClaim = policy(List.of("claim:tenant"), null, 1, Duration.ofSeconds(10), null);
        Identity t1 = new Identity("a", "i", "jwt", null, Map.of("tenant", "t1"), null, null);
        Identity t1Other = new Identity("b", "i", "jwt", null, Map.of("tenant", "t1"), null, null);
        assertThat(call(byClaim, exchange("r", "10.0.0.1").withIdentity(t1))).isInstanceOf(Verdict.Proceed.class);
        assertThat(rejected(call(byClaim, exchange("r", "10.0.0.2").withIdentity(t1Other))).detail())
                .isEqualTo("limit of 1 per 10s for claim 'tenant' exceeded");
    }

    @Test
    void combinedKeysCountEachCombination() {
        Policy p = policy(List.of("consumer", "ip"), null, 1, Duration.ofSeconds(10), null);
        assertThat(call(p, exchange("r", "10.0.0.1").withIdentity(consumer("acme")))).isInstanceOf(Verdict.Proceed.class);
        assertThat(call(p, exchange("r", "10.0.0.2").withIdentity(consumer("acme")))).isInstanceOf(Verdict.Proceed.class);
        assertThat(rejected(call(p, exchange("r", "10.0.0.1").withIdentity(consumer("acme")))).detail())
                .isEqualTo("limit of 1 per 10s for consumer 'acme', ip '10.0.0.1' exceeded");
    }

    @Test
    void routeKeyIsOneBudgetForEveryone() {
        Policy p = policy(List.of("route"), null, 2, Duration.ofSeconds(10), null);
        assertThat(call(p, exchange("search", "10.0.0.1"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(call(p, exchange("search", "10.0.0.2"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(rejected(call(p, exchange("search", "10.0.0.3"))).detail())
                .isEqualTo("limit of 2 per 10s for route 'search' exceeded");
    }

    @Test
    void routesCountApartUnlessScopeIsGlobal() {
        Policy perRoute = policy(List.of("ip"), null, 1, Duration.ofSeconds(10), null);
        assertThat(call(perRoute, exchange("a", "10.0.0.1"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(call(perRoute, exchange("b", "10.0.0.1"))).isInstanceOf(Verdict.Proceed.class);

        var global = new RateLimitConfig(List.of("ip"), null, 1L, Duration.ofSeconds(10), null, null, null, null, null, Scope.GLOBAL);
        Policy onA = policy(global);
        Policy onB = policy(global); // the same named policy, created for another route
        assertThat(call(onA, exchange("a", "10.0.0.1"))).isInstanceOf(Verdict.Proceed.class);
        assertThat(call(onB, exchange("b", "10.0.0.1"))).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void differentPoliciesOnOneRouteDoNotShareCounters() {
        Policy tight = policy(List.of("ip"), null, 1, Duration.ofSeconds(10), null);
        Policy loose = policy(List.of("ip"), null, 5, Duration.ofSeconds(10), null);
        TestExchange ex = exchange("r", "10.0.0.1");
        assertThat(tight.onRequest(ex)).isInstanceOf(Verdict.Proceed.class);
        assertThat(loose.onRequest(ex)).isInstanceOf(Verdict.Proceed.class);
        ex.response(new Response(200, new Headers(), Body.empty()));
        // Response phase in reverse order: the header closest to running out wins.
        loose.onResponse(ex);
        tight.onResponse(ex);
        assertThat(ex.response().headers().get("RateLimit-Remaining")).isEqualTo("0");
        assertThat(ex.response().headers().get("RateLimit-Limit")).isEqualTo("1");
        assertThat(ex.response().headers().all("RateLimit-Remaining")).hasSize(1);
        assertThat(loose.onRequest(exchange("r", "10.0.0.1"))).isInstanceOf(Verdict.Proceed.class);
    }

    @Test
    void headersCanBeTurnedOffButRetryAfterStays() {
        var config = new RateLimitConfig(List.of("ip"), null, 1L, Duration.ofSeconds(5), null, null, null, null, false, null);
        Policy p = policy(config);
        TestExchange ok = exchange("r", "10.0.0.1");
        assertThat(call(p, ok)).isInstanceOf(Verdict.Proceed.class);
        assertThat(ok.response().headers().contains("RateLimit-Remaining")).isFalse();
        Failure f = rejected(call(p, exchange("r", "10.0.0.1")));
        assertThat(f.headers().contains("RateLimit-Limit")).isFalse();
        assertThat(f.headers().get("Retry-After")).isNotNull();
    }

    @Test
    void costTakesSeveralUnits() {
        var config = new RateLimitConfig(List.of("ip"), null, 5L, Duration.ofSeconds(5), null, 2L, null, null, null, null);
        Policy p = policy(config);
        TestExchange first = exchange("r", "10.0.0.1");
        call(p, first);
        assertThat(first.response().headers().get("RateLimit-Remaining")).isEqualTo("3");
        call(p, exchange("r", "10.0.0.1"));
        assertThat(p.onRequest(exchange("r", "10.0.0.1"))).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void longOrOddClientValuesAreHashedInStoreKeys() {
        StoreKey key = new StoreKey("ns");
        key.part(KeyPart.Label.HEADER, "x".repeat(500));
        key.part(KeyPart.Label.HEADER, "a|ip=1.2.3.4");
        key.part(KeyPart.Label.IP, "::1");
        assertThat(key.toString())
                .hasSizeLessThan(100)
                .startsWith("rl:ns|header=#")
                .endsWith("|ip=::1|")
                .doesNotContain("a|ip=1.2.3.4");
    }
}
