package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import java.time.Duration;
import java.util.Map;

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

    /** Prefer other providers for {@code d} (the provider said {@code Retry-After}). */
    void coolDown(Duration d, long nowNanos) {
        coolUntilNanos = nowNanos + d.toNanos();
    }

    boolean coolingDown(long nowNanos) {
        return coolUntilNanos - nowNanos > 0;
    }

    @Override
    public String toString() {
        return name;
    }
}
