package dev.portcullis.kernel.backend.http;

import dev.portcullis.kernel.upstream.Origin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One configured target with its live state: in-flight requests, active health, passive
 * ejection, and its pre-registered counters (no registry lookups per request).
 */
final class UpstreamTarget {

    /** Why an upstream call failed, as the {@code cause} tag says it. */
    enum Cause {
        UNREACHABLE("unreachable"),
        CONNECT_TIMEOUT("connect-timeout"),
        RESPONSE_TIMEOUT("response-timeout"),
        RESET("reset"),
        TLS("tls"),
        BAD_RESPONSE("bad-response"),
        STATUS_5XX("5xx");

        final String tag;

        Cause(String tag) {
            this.tag = tag;
        }
    }

    final int index;
    final String url;
    final Origin origin;
    /** {@code Host} header for this target. */
    final String hostHeader;
    /** Base path of the URL plus {@code addPrefix}, without trailing slash; may be empty. */
    final String prefix;
    final int weight;
    /** {@code host:port} for error details. */
    final String label;

    final AtomicInteger inFlight = new AtomicInteger();
    /** Smooth weighted round robin state, guarded by the balancer's lock. */
    int currentWeight;

    private final int ejectAfter;
    private final long ejectForNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile boolean ejected;
    private volatile long ejectedUntil;

    /** Active health; only the target's single probe thread writes it. */
    private volatile boolean healthy = true;
    private int probeSuccesses;
    private int probeFailures;

    private final Counter[] errors = new Counter[Cause.values().length];
    final Counter retries;

    UpstreamTarget(int index, HttpBackendConfig.Target target, String addPrefix, HttpBackendConfig.Passive passive,
            MeterRegistry meters) {
        this.index = index;
        this.url = target.url();
        URI uri = URI.create(target.url());
        this.origin = Origin.of(uri);
        this.hostHeader = origin.authority();
        this.prefix = trimSlash(uri.getRawPath()) + trimSlash(addPrefix);
        this.weight = target.weight();
        this.label = origin.toString();
        this.ejectAfter = passive.consecutiveFailures();
        this.ejectForNanos = passive.ejectFor().toNanos();
        for (Cause c : Cause.values()) {
            errors[c.ordinal()] = Counter.builder("portcullis.upstream.errors")
                    .description("Failed upstream calls by target and cause")
                    .tag("target", url).tag("cause", c.tag).register(meters);
        }
        retries = Counter.builder("portcullis.upstream.retries")
                .description("Upstream calls retried after a failure of this target")
                .tag("target", url).register(meters);
    }

    /** The request target for this upstream: prefix + path and query after prefix stripping. */
    String target(String pathAndQuery) {
        if (prefix.isEmpty()) {
            return pathAndQuery.isEmpty() || pathAndQuery.charAt(0) == '?' ? "/" + pathAndQuery : pathAndQuery;
        }
        return pathAndQuery.isEmpty() ? prefix : prefix + pathAndQuery;
    }

    /** Whether the balancer may choose this target now. */
    boolean available(long nowNanos) {
        return healthy && (!ejected || nowNanos - ejectedUntil >= 0);
    }

    void countError(Cause cause) {
        errors[cause.ordinal()].increment();
    }

    /** A failed call (connect failure, timeout, reset, 5xx): may eject the target. */
    void failed(long nowNanos) {
        if (ejectAfter > 0 && consecutiveFailures.incrementAndGet() >= ejectAfter) {
            ejectedUntil = nowNanos + ejectForNanos;
            ejected = true;
            consecutiveFailures.set(0);
        }
    }

    /** A successful call resets the failure streak. */
    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** Records an active probe result; flips health after the configured streaks. */
    void probed(boolean ok, int healthyThreshold, int unhealthyThreshold) {
        if (ok) {
            probeFailures = 0;
            if (!healthy && ++probeSuccesses >= healthyThreshold) {
                healthy = true;
                ejected = false; // a target that proves healthy again is no longer ejected
            }
        } else {
            probeSuccesses = 0;
            if (healthy && ++probeFailures >= unhealthyThreshold) {
                healthy = false;
            }
        }
    }

    private static String trimSlash(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return "";
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
