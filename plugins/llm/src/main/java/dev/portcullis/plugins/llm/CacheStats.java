package dev.portcullis.plugins.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hit and miss counts of one cache policy: for its admin view (this node) and as the meter
 * {@code portcullis.llm.cache.lookups} tagged {@code cache} (the policy type), {@code result}
 * ({@code hit}, {@code miss}) and {@code layer} ({@code exact}, {@code semantic}, {@code none}).
 */
final class CacheStats {

    static final String METER = "portcullis.llm.cache.lookups";

    private final LongAdder exactHits = new LongAdder();
    private final LongAdder semanticHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final Counter exactHitCounter;
    private final Counter semanticHitCounter;
    private final Counter missCounter;

    CacheStats(String cache, MeterRegistry meters) {
        exactHitCounter = counter(meters, cache, "hit", "exact");
        semanticHitCounter = counter(meters, cache, "hit", "semantic");
        missCounter = counter(meters, cache, "miss", "none");
    }

    private static Counter counter(MeterRegistry meters, String cache, String result, String layer) {
        return Counter.builder(METER).description("Response cache lookups of chat calls")
                .tag("cache", cache).tag("result", result).tag("layer", layer).register(meters);
    }

    void exactHit() {
        exactHits.increment();
        exactHitCounter.increment();
    }

    void semanticHit() {
        semanticHits.increment();
        semanticHitCounter.increment();
    }

    void miss() {
        misses.increment();
        missCounter.increment();
    }

    /** The admin view: {@code {"entries":…,"hits":…,"exactHits":…,"semanticHits":…,"misses":…}}. */
    String json(long entries) {
        long e = exactHits.sum();
        long s = semanticHits.sum();
        return "{\"entries\":" + entries + ",\"hits\":" + (e + s) + ",\"exactHits\":" + e + ",\"semanticHits\":" + s
                + ",\"misses\":" + misses.sum() + "}";
    }
}
