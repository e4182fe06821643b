package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads at once against one breaker: every transition happens once, permits are exact. */
class CircuitBreakerRaceTest {

    private static final int THREADS = 16;

    private final Map<CircuitBreaker.State, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker = new CircuitBreaker(
            new CircuitBreaker.Settings(false, 1, Integer.MAX_VALUE, 1, 1_000_000_000L, 1_000_000_000L, 3, new boolean[600]),
            (to, reason) -> seen.computeIfAbsent(to, s -> new AtomicInteger()).incrementAndGet());

    private interface Step {
        void run(int thread);
    }

    private static void together(Step step) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                step.run(n);
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    private int count(CircuitBreaker.State state) {
        AtomicInteger n = seen.get(state);
        return n == null ? 0 : n.get();
    }

    @Test
    void concurrentFailuresOpenOnceAndConcurrentRequestsGetExactlyTheProbePermits() throws Exception {
        together(n -> breaker.onFailure(breaker.tryAcquire(0), 0, "5xx"));
        assertThat(count(CircuitBreaker.State.OPEN)).isEqualTo(1);
        assertThat(breaker.tryAcquire(999_999_999L)).isEqualTo(CircuitBreaker.DENIED);

        List<Integer> permits = java.util.Collections.synchronizedList(new ArrayList<>());
        together(n -> permits.add(breaker.tryAcquire(1_000_000_000L)));
        assertThat(count(CircuitBreaker.State.HALF_OPEN)).isEqualTo(1);
        assertThat(permits.stream().filter(p -> p > 0).toList()).hasSize(3).containsOnly(permits.stream().max(Integer::compare).orElseThrow());
        assertThat(permits.stream().filter(p -> p == CircuitBreaker.DENIED)).hasSize(THREADS - 3);

        int probe = permits.stream().filter(p -> p > 0).findFirst().orElseThrow();
        together(n -> {
            if (n < 3) {
                breaker.onSuccess(probe, 1_000_000_001L);
            }
        });
        assertThat(count(CircuitBreaker.State.CLOSED)).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.onSuccess(probe, 1_000_000_002L); // a stale probe result changes nothing
        assertThat(count(CircuitBreaker.State.CLOSED)).isEqualTo(1);
    }
}
