package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A configured provider at run time: its adapter and endpoint, model names, and what the
 * strategies learn about it (latency average, cool-down after a {@code Retry-After}).
 */
final class Provider {

    /** Weight of the newest sample in the latency average. */
    private static final double ALPHA = 0.3;

    final String name;
    final ProviderAdapter adapter;
    final ProviderEndpoint endpoint;
    final Map<String, String> models;
    final int weight;

    // written by concurrent requests without a lock: a lost update only blurs the average
    private volatile long latencyNanos;
    private volatile long coolUntilNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    Provider(String name, ProviderAdapter adapter, ProviderEndpoint endpoint, Map<String, String> models, int weight) {
        this.name = name;
        this.adapter = adapter;
        this.endpoint = endpoint;
        this.models = Map.copyOf(models);
        this.weight = weight;
    }

    /** Folds one time-to-headers sample into the moving average. */
    void recordLatency(long nanos) {
        long old = latencyNanos;
        latencyNanos = old == 0 ? nanos : (long) (old + ALPHA * (nanos - old));
    }

    /** The moving average of time to response headers; 0 before the first call. */
    long latencyNanos() {
        return latencyNanos;
    }

    /** Prefer other providers for {@code d} (a {@code Retry-After}, or an open breaker); never shortens a cool-down. */
    void coolDown(Duration d, long nowNanos) {
        long until = nowNanos + d.toNanos();
        if (until - coolUntilNanos > 0) {
            coolUntilNanos = until;
        }
    }

    /** A call succeeded: the breaker closes. */
    void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** A call failed; returns whether the breaker (re)opened and the provider cools down. */
    boolean recordFailure(LlmBackendConfig.BreakerConfig breaker, long nowNanos) {
        if (consecutiveFailures.incrementAndGet() >= breaker.failures()) {
            coolDown(breaker.cooldown(), nowNanos);
            return true;
        }
        return false;
    }

    boolean coolingDown(long nowNanos) {
        return coolUntilNanos - nowNanos > 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
