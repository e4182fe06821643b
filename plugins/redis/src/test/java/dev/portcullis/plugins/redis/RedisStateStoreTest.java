package dev.portcullis.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import dev.portcullis.spi.RateDecision;
import dev.portcullis.spi.StateStore;
import dev.portcullis.testkit.TestPluginContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store's semantics against the real Redis at 127.0.0.1:6379. */
class RedisStateStoreTest {

    private static String prefix;
    private static RedisStateStore store;

    @BeforeAll
    static void connect() {
        RedisTestSupport.requireLocalRedis();
        prefix = RedisTestSupport.uniquePrefix("store");
        // a generous timeout: a loaded CI machine must not turn slow answers into failures
        store = new RedisStateStore(new RedisStoreConfig(RedisTestSupport.URI, prefix, Duration.ofSeconds(2), null), new SimpleMeterRegistry());
    }

    @AfterAll
    static void cleanUp() {
        if (store != null) {
            store.close();
            RedisTestSupport.deleteKeys(prefix);
        }
    }

    @Test
    void keysListsLiveKeysUnderAPrefixOnly() {
        store.add("spend:alice", 5, Duration.ofMinutes(1));
        store.putValue("spend:bob*", new byte[] {1}, Duration.ofMinutes(1));
        store.putValue("spend-other", new byte[] {1}, Duration.ofMinutes(1));
        store.putValue("spend:gone", new byte[] {1}, Duration.ofMillis(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (store.getValue("spend:gone").isPresent() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(store.keys("spend:", 100)).containsExactlyInAnyOrder("spend:alice", "spend:bob*");
        assertThat(store.keys("spend:bob*", 100)).containsExactly("spend:bob*");
        assertThat(store.keys("spend:", 1)).hasSize(1);
    }

    @Test
    void counterExpiresAFixedTimeAfterCreation() throws InterruptedException {
        // generous margins: CI machines are shared and a stall of a few hundred ms is normal
        long created = System.nanoTime();
        assertThat(store.add("c", 2, Duration.ofMillis(3000))).isEqualTo(2);
        Thread.sleep(1000);
        assertThat(store.add("c", 3, Duration.ofMillis(3000))).isEqualTo(5);
        assertThat(store.get("c")).isEqualTo(5);
        // 3.8 s after creation: expired, because the second add (at ~1 s) did not extend it to 4 s
        Thread.sleep(Math.max(0, 3800 - (System.nanoTime() - created) / 1_000_000));
        assertThat(store.get("c")).isZero();
        assertThat(store.add("c", 1, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(store.get("absent")).isZero();
    }

    @Test
    void tokenBucketTakesAndRefills() throws InterruptedException {
        // 3 tokens, 1 per second: slow enough that a loaded machine's stalls do not refill between takes.
        for (int left = 2; left >= 0; left--) {
            RateDecision d = store.tokenBucket("b", 3, 1, 1);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(left);
            assertThat(d.limit()).isEqualTo(3);
        }
        RateDecision refused = store.tokenBucket("b", 3, 1, 1);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(1000));
        assertThat(refused.resetAfter()).isGreaterThan(Duration.ofMillis(2000)).isLessThanOrEqualTo(Duration.ofMillis(3000));

        Thread.sleep(refused.retryAfter().toMillis() + 20);
        assertThat(store.tokenBucket("b", 3, 1, 1).allowed()).isTrue();

        // A take larger than what is there takes nothing.
        RateDecision big = store.tokenBucket("b2", 5, 0.01, 4);
        assertThat(big.remaining()).isEqualTo(1);
        assertThat(store.tokenBucket("b2", 5, 0.01, 2).allowed()).isFalse();
        assertThat(store.tokenBucket("b2", 5, 0.01, 1).allowed()).isTrue();
    }

    @Test
    void slidingWindowCountsUpToTheLimit() {
        Duration minute = Duration.ofMinutes(1);
        for (int left = 4; left >= 0; left--) {
            RateDecision d = store.slidingWindow("s", 5, minute, 1);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isLessThanOrEqualTo(left);
        }
        RateDecision refused = store.slidingWindow("s", 5, minute, 1);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(refused.resetAfter());
        assertThat(refused.resetAfter()).isLessThanOrEqualTo(minute.multipliedBy(2));

        assertThat(store.slidingWindow("s2", 5, minute, 3).allowed()).isTrue();
        assertThat(store.slidingWindow("s2", 5, minute, 3).allowed()).as("3 more do not fit").isFalse();
        assertThat(store.slidingWindow("s2", 5, minute, 2).allowed()).as("nothing was taken by the refusal").isTrue();
    }

    @Test
    void valuesExpireAndPutIfAbsentIsExclusive() throws InterruptedException {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] b = {0, (byte) 0xff, 7};
        store.putValue("v", a, Duration.ofSeconds(10));
        assertThat(store.getValue("v")).hasValueSatisfying(v -> assertThat(v).isEqualTo(a));
        assertThat(store.putValueIfAbsent("v", b, Duration.ofSeconds(10))).isFalse();
        store.delete("v");
        assertThat(store.getValue("v")).isEmpty();
        assertThat(store.putValueIfAbsent("v", b, Duration.ofMillis(100))).isTrue();
        assertThat(store.getValue("v")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b));
        Thread.sleep(150);
        assertThat(store.getValue("v")).isEmpty();
        assertThat(store.putValueIfAbsent("v", a, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aKeyHoldsOneKind() {
        store.add("k", 1, Duration.ofSeconds(10));
        assertThatThrownBy(() -> store.tokenBucket("k", 1, 1, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(store.get("k")).isEqualTo(1);
    }

    @Test
    void factoryCreatesAStoreFromConfig() throws Exception {
        var factory = new RedisStoreFactory();
        assertThat(factory.type()).isEqualTo("redis");
        assertThat(factory.componentType()).isEqualTo(StateStore.class);
        String p = prefix + "factory:";
        StateStore s = factory.create(new RedisStoreConfig(null, p, Duration.ofSeconds(1), null), new TestPluginContext());
        try {
            assertThat(s.add("x", 5, Duration.ofSeconds(10))).isEqualTo(5);
            assertThat(store.get("factory:x")).as("same key under the other store's prefix").isEqualTo(5);
        } finally {
            ((AutoCloseable) s).close();
        }
    }
}
