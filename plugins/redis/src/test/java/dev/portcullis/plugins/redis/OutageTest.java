package dev.portcullis.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.plugins.redis.testing.RedisProcess;
import dev.portcullis.spi.StoreUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Redis down, frozen or back: the store fails fast with StoreUnavailableException and recovers. */
class OutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);
    /** Generous bound on "fails fast" for a loaded CI machine; far below a hang. */
    private static final Duration FAST = Duration.ofSeconds(1);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void closedPortFailsFastOnEveryOperation() throws Throwable {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RedisStateStore store = store("redis://127.0.0.1:" + port)) {
            for (int i = 0; i < 3; i++) {
                assertUnavailableFast(() -> store.tokenBucket("b", 10, 1, 1));
                assertUnavailableFast(() -> store.slidingWindow("s", 10, Duration.ofSeconds(1), 1));
                assertUnavailableFast(() -> store.add("c", 1, Duration.ofSeconds(1)));
                assertUnavailableFast(() -> store.getValue("v"));
            }
            assertThat(meters.get("portcullis.store.errors").tags("store", "redis", "op", "connect").counter().count())
                    .isEqualTo(12 + 1); // 12 calls, plus the attempt at creation
        }
    }

    @Test
    void killedServerFailsFastThenRecoversWhenRestarted() throws Throwable {
        try (RedisProcess redis = RedisProcess.start(); RedisStateStore store = store(redis.uri())) {
            assertThat(store.tokenBucket("b", 10, 1, 1).allowed()).isTrue();

            redis.kill();
            for (int i = 0; i < 5; i++) {
                assertUnavailableFast(() -> store.tokenBucket("b", 10, 1, 1));
            }
            assertThat(meters.get("portcullis.store.errors").tags("op", "token_bucket").counter().count()).isEqualTo(5);

            // The restarted server has lost its data and its script cache (NOSCRIPT → reload).
            redis.startAgain();
            awaitAvailable(() -> store.tokenBucket("b", 10, 1, 1));
            assertThat(store.tokenBucket("b", 10, 1, 1).remaining()).isEqualTo(8);
            assertThat(store.slidingWindow("s", 10, Duration.ofSeconds(1), 1).allowed()).isTrue();
        }
    }

    @Test
    void frozenServerTimesOutThenRecovers() throws Throwable {
        try (RedisProcess redis = RedisProcess.start(); RedisStateStore store = store(redis.uri())) {
            assertThat(store.add("c", 1, Duration.ofMinutes(1))).isEqualTo(1);
            redis.freeze();
            try {
                long start = System.nanoTime();
                assertUnavailableFast(() -> store.add("c", 1, Duration.ofMinutes(1)));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the timeout").isGreaterThanOrEqualTo(TIMEOUT);
            } finally {
                redis.thaw();
            }
            awaitAvailable(() -> store.get("c"));
            assertThat(store.get("c")).isBetween(1L, 2L); // the timed-out add may still have landed
        }
    }

    @Test
    void storeCreatedWhileRedisIsDownConnectsLater() throws Throwable {
        try (RedisProcess redis = RedisProcess.start()) {
            redis.kill();
            try (RedisStateStore store = store(redis.uri())) {
                assertUnavailableFast(() -> store.get("c"));
                redis.startAgain();
                awaitAvailable(() -> store.add("c", 1, Duration.ofMinutes(1)));
                assertThat(store.get("c")).isEqualTo(1);
            }
        }
    }

    private RedisStateStore store(String uri) {
        return new RedisStateStore(new RedisStoreConfig(uri, "outage:", TIMEOUT, null), meters);
    }

    private static void assertUnavailableFast(Executable op) {
        long start = System.nanoTime();
        assertThatThrownBy(op::execute).isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    }

    /** Retries {@code op} until it succeeds, for at most 5 seconds. */
    private static void awaitAvailable(Executable op) throws Throwable {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                op.execute();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("store did not recover within 5s", e);
                }
                Thread.sleep(50);
            }
        }
    }
}
