package dev.portcullis.kernel.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request timers of one route, one per status code, resolved once and cached: a Micrometer
 * lookup by tags on every request costs more than the proxying itself.
 */
public final class RouteMetrics {

    private final MeterRegistry registry;
    private final String route;
    private final ConcurrentHashMap<Integer, Timer> byStatus = new ConcurrentHashMap<>();

    /** Metrics of {@code route} in {@code registry}. */
    public RouteMetrics(MeterRegistry registry, String route) {
        this.registry = registry;
        this.route = route;
    }

    /** Records one finished request. */
    public void record(int status, long nanos) {
        Timer t = byStatus.get(status);
        if (t == null) {
            t = byStatus.computeIfAbsent(status, s -> Timer.builder("portcullis.requests")
                    .description("Requests handled, by route and status")
                    .tag("route", route)
                    .tag("status", Integer.toString(s))
                    .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }
}
