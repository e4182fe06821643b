package dev.portcullis.kernel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.RateDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStateStoreTest {

    /** A hand-moved clock; starts at an arbitrary point, like System.nanoTime. */
    private final AtomicLong now = new AtomicLong(7_654_321_000_000L);
    private final LocalStateStore store = new LocalStateStore(1_000, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void keysListsLiveKeysUnderAPrefixOnly() {
        store.add("spend:alice", 5, Duration.ofMinutes(1));
        store.putValue("spend:bob", new byte[] {1}, Duration.ofMinutes(1));
        store.putValue("spend-other", new byte[] {1}, Duration.ofMinutes(1));
        store.putValue("spend:gone", new byte[] {1}, Duration.ofSeconds(1));
        advance(Duration.ofSeconds(2));
        assertThat(store.keys("spend:", 100)).containsExactlyInAnyOrder("spend:alice", "spend:bob");
        assertThat(store.keys("spend:", 1)).hasSize(1);
    }

    @Test
    void counterExpiresAFixedTimeAfterCreation() {
        assertThat(store.add("c", 2, Duration.ofSeconds(10))).isEqualTo(2);
        advance(Duration.ofSeconds(6));
        assertThat(store.add("c", 3, Duration.ofSeconds(10))).isEqualTo(5);
        assertThat(store.get("c")).isEqualTo(5);
        advance(Duration.ofSeconds(4)); // 10s after creation: later adds did not extend it
        assertThat(store.get("c")).isZero();
        assertThat(store.add("c", 1, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(store.get("absent")).isZero();
    }

    @Test
    void tokenBucketRefillsContinuously() {
        // 10 tokens, 5 per second: one token every 200 ms.
        for (int i = 9; i >= 0; i--) {
            RateDecision d = store.tokenBucket("b", 10, 5, 1);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(i);
            assertThat(d.limit()).isEqualTo(10);
            assertThat(d.retryAfter()).isZero();
        }
        RateDecision refused = store.tokenBucket("b", 10, 5, 1);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(200));
        assertThat(refused.resetAfter()).isEqualTo(Duration.ofSeconds(2));

        advance(Duration.ofMillis(199));
        assertThat(store.tokenBucket("b", 10, 5, 1).allowed()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(store.tokenBucket("b", 10, 5, 1).allowed()).isTrue();

        // Cost larger than what has refilled is refused without taking anything.
        advance(Duration.ofMillis(600)); // 3 tokens back
        RateDecision big = store.tokenBucket("b", 10, 5, 4);
        assertThat(big.allowed()).isFalse();
        assertThat(big.retryAfter()).isEqualTo(Duration.ofMillis(200));
        assertThat(store.tokenBucket("b", 10, 5, 3).remaining()).isZero();

        // Never more than the capacity, however long it rests.
        advance(Duration.ofHours(1));
        assertThat(store.tokenBucket("b", 10, 5, 1).remaining()).isEqualTo(9);
    }

    @Test
    void fullBucketIsForgotten() {
        store.tokenBucket("b", 10, 5, 4);
        assertThat(store.size()).isEqualTo(1);
        advance(Duration.ofMillis(800)); // refilled: the entry is no longer needed
        assertThat(store.size()).isZero();
        assertThat(store.tokenBucket("b", 10, 5, 1).remaining()).isEqualTo(9);
    }

    @Test
    void slidingWindowWeighsThePreviousWindow() {
        Duration w = Duration.ofSeconds(1);
        // Align to the start of a window so the arithmetic below is exact.
        long wn = w.toNanos();
        now.set(Math.floorDiv(now.get(), wn) * wn + wn);

        for (int i = 0; i < 10; i++) {
            assertThat(store.slidingWindow("s", 10, w, 1).allowed()).isTrue();
        }
        RateDecision refused = store.slidingWindow("s", 10, w, 1);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        // The 10 units must decay to 9: 10 * (1 - t) <= 9 in the next window → t = 0.1s after it starts.
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(1100));
        assertThat(refused.resetAfter()).isEqualTo(Duration.ofSeconds(2));

        // Half-way into the next window the previous 10 count as 5: 5 more fit.
        advance(Duration.ofMillis(1500));
        int admitted = 0;
        while (store.slidingWindow("s", 10, w, 1).allowed()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(5);

        // Two windows later everything has decayed.
        advance(Duration.ofSeconds(2));
        RateDecision fresh = store.slidingWindow("s", 10, w, 3);
        assertThat(fresh.allowed()).isTrue();
        assertThat(fresh.remaining()).isEqualTo(7);
    }

    @Test
    void retryAfterIsWhenTheRequestFitsAgain() {
        Duration w = Duration.ofMillis(1000);
        int[] costs = {1, 3, 2, 5, 1, 4};
        for (int round = 0; round < 24; round++) {
            String key = "r" + round;
            long cost = costs[round % costs.length];
            // Some history spread over the windows, then fill up until refused.
            for (int i = 0; i < 4; i++) {
                store.slidingWindow(key, 12, w, 1 + i % 3);
                advance(Duration.ofMillis(97L * round % 700));
            }
            RateDecision d;
            int guard = 0;
            while ((d = store.slidingWindow(key, 12, w, cost)).allowed()) {
                assertThat(guard++).as("fills up").isLessThan(12);
            }
            assertThat(d.retryAfter()).isPositive().isLessThanOrEqualTo(d.resetAfter());
            advance(d.retryAfter().minusMillis(1));
            assertThat(store.slidingWindow(key, 12, w, cost).allowed()).as("round %d: 1ms before retryAfter", round).isFalse();
            advance(Duration.ofMillis(1));
            assertThat(store.slidingWindow(key, 12, w, cost).allowed()).as("round %d: at retryAfter", round).isTrue();
        }
    }

    @Test
    void valuesExpireAndPutIfAbsentIsExclusive() {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b".getBytes(StandardCharsets.UTF_8);
        store.putValue("v", a, Duration.ofSeconds(5));
        assertThat(store.getValue("v")).contains(a);
        assertThat(store.putValueIfAbsent("v", b, Duration.ofSeconds(5))).isFalse();
        assertThat(store.getValue("v")).contains(a);
        advance(Duration.ofSeconds(5));
        assertThat(store.getValue("v")).isEmpty();
        assertThat(store.putValueIfAbsent("v", b, Duration.ofSeconds(5))).isTrue();
        assertThat(store.getValue("v")).contains(b);
        store.delete("v");
        assertThat(store.getValue("v")).isEmpty();
        store.putValue("v", a, Duration.ofSeconds(5));
        store.putValue("v", b, Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        assertThat(store.getValue("v")).isEmpty();
    }

    @Test
    void aKeyHoldsOneKind() {
        store.add("k", 1, Duration.ofSeconds(1));
        assertThatThrownBy(() -> store.tokenBucket("k", 1, 1, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("key 'k' holds a counter, not a bucket");
        assertThat(store.get("k")).isEqualTo(1);
    }

    @Test
    void memoryIsBounded() {
        LocalStateStore small = new LocalStateStore(100, now::get);
        for (int i = 0; i < 1_000; i++) {
            small.add("k" + i, 1, Duration.ofHours(1));
        }
        assertThat(small.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void expiredEntriesAreCleanedUp() {
        for (int i = 0; i < 50; i++) {
            store.add("c" + i, 1, Duration.ofSeconds(1));
            store.slidingWindow("s" + i, 5, Duration.ofSeconds(1), 1);
            store.putValue("v" + i, new byte[] {1}, Duration.ofSeconds(1));
        }
        assertThat(store.size()).isEqualTo(150);
        advance(Duration.ofSeconds(3));
        assertThat(store.size()).isZero();
    }

    @Test
    void operationsAreAtomicUnderContention() throws Exception {
        AtomicInteger admittedBucket = new AtomicInteger();
        AtomicInteger admittedWindow = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                futures.add(threads.submit(() -> {
                    store.add("count", 1, Duration.ofHours(1));
                    if (store.tokenBucket("bucket", 100, 0.001, 1).allowed()) {
                        admittedBucket.incrementAndGet();
                    }
                    if (store.slidingWindow("window", 100, Duration.ofHours(1), 1).allowed()) {
                        admittedWindow.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(store.get("count")).isEqualTo(400);
        assertThat(admittedBucket).hasValue(100);
        assertThat(admittedWindow).hasValue(100);
    }

    @Test
    void factoryIsAnIndexedExtension() throws Exception {
        var factory = new LocalStoreFactory();
        assertThat(factory.type()).isEqualTo("local");
        assertThat(factory.create(new LocalStoreConfig(null), null)).isInstanceOf(LocalStateStore.class);
        StringBuilder indexes = new StringBuilder();
        var urls = getClass().getClassLoader().getResources("META-INF/extensions.idx");
        while (urls.hasMoreElements()) {
            try (var in = urls.nextElement().openStream()) {
                indexes.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(indexes.toString()).as("PF4J extension indexes").contains(LocalStoreFactory.class.getName());
    }

    @Test
    void configDefaultsAndValidation() {
        assertThat(new LocalStoreConfig(null).maxKeys()).isEqualTo(100_000);
        List<String> errors = new ArrayList<>();
        new LocalStoreConfig(0).validate(new dev.portcullis.spi.ConfigErrors() {
            @Override
            public void add(String path, String message) {
                errors.add(path + ": " + message);
            }

            @Override
            public dev.portcullis.spi.ConfigErrors at(String path) {
                return this;
            }
        });
        assertThat(errors).containsExactly("maxKeys: must be positive");
    }
}
