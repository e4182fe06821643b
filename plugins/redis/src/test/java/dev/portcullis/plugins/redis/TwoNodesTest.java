package dev.portcullis.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import dev.portcullis.spi.RateDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateway nodes, each with its own store and connection, enforce one shared limit. */
class TwoNodesTest {

    private static String prefix;
    private static RedisStateStore nodeA;
    private static RedisStateStore nodeB;

    @BeforeAll
    static void connect() {
        RedisTestSupport.requireLocalRedis();
        prefix = RedisTestSupport.uniquePrefix("two-nodes");
        RedisStoreConfig config = new RedisStoreConfig(RedisTestSupport.URI, prefix, Duration.ofSeconds(2), null);
        nodeA = new RedisStateStore(config, new SimpleMeterRegistry());
        nodeB = new RedisStateStore(config, new SimpleMeterRegistry());
    }

    @AfterAll
    static void cleanUp() {
        if (nodeA != null) {
            nodeA.close();
            nodeB.close();
            RedisTestSupport.deleteKeys(prefix);
        }
    }

    @Test
    void slidingWindowAdmitsExactlyTheLimit() throws Exception {
        int admitted = race(s -> s.slidingWindow("window", 100, Duration.ofMinutes(1), 1));
        assertThat(admitted).isEqualTo(100);
    }

    @Test
    void tokenBucketAdmitsTheCapacityPlusAtMostTheRefill() throws Exception {
        // 100 tokens refilled at 100 per minute: the race takes far less than the 0.6s one token needs.
        int admitted = race(s -> s.tokenBucket("bucket", 100, 100.0 / 60, 1));
        assertThat(admitted).isBetween(100, 101);
    }

    /** 200 concurrent requests, half through each node; returns how many were admitted. */
    private static int race(Function<RedisStateStore, RateDecision> take) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                RedisStateStore node = i % 2 == 0 ? nodeA : nodeB;
                results.add(threads.submit(() -> {
                    go.await();
                    return take.apply(node).allowed();
                }));
            }
            go.countDown();
            int admitted = 0;
            for (Future<Boolean> r : results) {
                admitted += r.get() ? 1 : 0;
            }
            return admitted;
        }
    }
}
