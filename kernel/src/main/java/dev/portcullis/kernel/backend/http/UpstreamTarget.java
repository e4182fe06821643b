package dev.portcullis.kernel.backend.http;

import dev.portcullis.upstream.Origin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured target with its live state: in-flight requests, active health, its circuit
 * breaker, and its pre-registered counters (no registry lookups per request).
 */
final class UpstreamTarget {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTarget.class);

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

    /** Passive ejection and the error-ratio breaker, as one state machine. */
    final CircuitBreaker breaker;

    /** Active health; only the target's single probe thread writes it. */
    private volatile boolean healthy = true;
    private int probeSuccesses;
    private int probeFailures;

    private final Counter[] errors = new Counter[Cause.values().length];
    final Counter retries;
    private final Counter[] transitions = new Counter[CircuitBreaker.State.values().length];

    UpstreamTarget(int index, HttpBackendConfig.Target target, String addPrefix, CircuitBreaker.Settings breaker,
            MeterRegistry meters) {
        this.index = index;
        this.url = target.url();
        URI uri = URI.create(target.url());
        this.origin = Origin.of(uri);
        this.hostHeader = origin.authority();
        this.prefix = trimSlash(uri.getRawPath()) + trimSlash(addPrefix);
        this.weight = target.weight();
        this.label = origin.toString();
        this.breaker = new CircuitBreaker(breaker, this::transitioned);
        for (Cause c : Cause.values()) {
            errors[c.ordinal()] = Counter.builder("portcullis.upstream.errors")
                    .description("Failed upstream calls by target and cause")
                    .tag("target", url).tag("cause", c.tag).register(meters);
        }
        retries = Counter.builder("portcullis.upstream.retries")
                .description("Upstream calls retried after a failure of this target")
                .tag("target", url).register(meters);
        for (CircuitBreaker.State to : CircuitBreaker.State.values()) {
            transitions[to.ordinal()] = Counter.builder("portcullis.upstream.circuit_transitions")
                    .description("Circuit breaker transitions by target and new state")
                    .tag("target", url).tag("to", to.tag).register(meters);
        }
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
        return healthy && breaker.admits(nowNanos);
    }

    /** Whether active health checks count this target as up. */
    boolean healthy() {
        return healthy;
    }

    void countError(Cause cause) {
        errors[cause.ordinal()].increment();
    }

    private void transitioned(CircuitBreaker.State to, String reason) {
        transitions[to.ordinal()].increment();
        if (to == CircuitBreaker.State.OPEN) {
            LOG.warn("circuit of upstream {} is open: {}", url, reason);
        } else {
            LOG.info("circuit of upstream {} is {}: {}", url, to.tag, reason);
        }
    }

    /** Records an active probe result; flips health after the configured streaks. */
    void probed(boolean ok, int healthyThreshold, int unhealthyThreshold) {
        if (ok) {
            probeFailures = 0;
            if (!healthy && ++probeSuccesses >= healthyThreshold) {
                healthy = true;
                breaker.healthRecovered(); // proven healthy again: probes decide now, not after openFor
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
