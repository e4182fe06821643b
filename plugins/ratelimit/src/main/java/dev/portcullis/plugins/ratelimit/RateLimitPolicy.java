package dev.portcullis.plugins.ratelimit;

import dev.portcullis.plugins.ratelimit.RateLimitConfig.Algorithm;
import dev.portcullis.plugins.ratelimit.RateLimitConfig.FailMode;
import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.RateDecision;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a request if its key's budget allows, else answers 429 with {@code Retry-After}.
 * Admitted responses carry {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset} (seconds). Everything that does not depend on the request is computed
 * once, in the constructor.
 */
final class RateLimitPolicy implements Policy {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitPolicy.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    static final String LIMIT = "RateLimit-Limit";
    static final String REMAINING = "RateLimit-Remaining";
    static final String RESET = "RateLimit-Reset";
    static final String RETRY_AFTER = "Retry-After";

    private final StateStore store;
    private final String storeName;
    private final List<KeyPart> parts;
    private final boolean perRoute;
    private final String namespace;
    private final boolean tokenBucket;
    private final long limit;
    private final Duration period;
    private final long capacity;
    private final double refillPerSecond;
    private final long cost;
    private final boolean failOpen;
    private final boolean headers;
    private final String detailPrefix;
    private final Counter storeFailures;
    private final AttributeKey<RateDecision> decisionKey = AttributeKey.of("ratelimit.decision", RateDecision.class);
    private final AtomicLong nextFailureLog = new AtomicLong(System.nanoTime());

    RateLimitPolicy(RateLimitConfig config, StateStore store, String namespace, Counter storeFailures) {
        this.store = store;
        this.storeName = config.store();
        this.parts = config.key().stream().map(KeyPart::parse).toList();
        this.perRoute = config.scope() == RateLimitConfig.Scope.ROUTE;
        this.namespace = namespace;
        this.tokenBucket = config.algorithm() == Algorithm.TOKEN_BUCKET;
        this.limit = config.limit();
        this.period = config.period();
        this.capacity = config.capacity();
        this.refillPerSecond = limit / (period.toNanos() / 1e9);
        this.cost = config.cost();
        this.failOpen = config.failMode() == FailMode.OPEN;
        this.headers = config.headers();
        this.detailPrefix = "limit of " + limit + " per " + Durations.format(period)
                + (tokenBucket && capacity != limit ? " (burst " + capacity + ")" : "") + " for ";
        this.storeFailures = storeFailures;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        RateDecision decision;
        try {
            String key = storeKey(exchange);
            decision = tokenBucket
                    ? store.tokenBucket(key, capacity, refillPerSecond, cost)
                    : store.slidingWindow(key, limit, period, cost);
        } catch (StoreUnavailableException e) {
            return storeUnavailable(e);
        }
        if (decision.allowed()) {
            if (headers && !exchange.attributes().has(decisionKey)) {
                exchange.attributes().set(decisionKey, decision);
            }
            return Verdict.proceed();
        }
        Failure failure = Failure.of(429, "rate-limited", "Too Many Requests",
                detailPrefix + describe(exchange) + " exceeded");
        if (headers) {
            writeHeaders(failure.headers(), decision);
        }
        failure.headers().set(RETRY_AFTER, Long.toString(Math.max(1, ceilSeconds(decision.retryAfter()))));
        return Verdict.reject(failure);
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        Response response = exchange.response();
        if (headers && response != null) {
            exchange.attributes().get(decisionKey).ifPresent(d -> {
                // With several limits on a route, the client sees the one closest to running out.
                String other = response.headers().get(REMAINING);
                if (other == null || remainingOf(other) > d.remaining()) {
                    writeHeaders(response.headers(), d);
                }
            });
        }
        return Verdict.proceed();
    }

    private Verdict storeUnavailable(StoreUnavailableException e) {
        storeFailures.increment();
        long next = nextFailureLog.get();
        long now = System.nanoTime();
        if (now - next >= 0 && nextFailureLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            LOG.warn("rate-limit store '{}' is unavailable, {} requests (logged at most every 10s): {}",
                    storeName, failOpen ? "admitting" : "refusing", e.getMessage());
        }
        if (failOpen) {
            return Verdict.proceed();
        }
        return Verdict.reject(Failure.of(503, "rate-limit-unavailable", "Rate limit unavailable",
                        "the rate-limit store '" + storeName + "' cannot answer; try again shortly")
                .withHeader(RETRY_AFTER, "1"));
    }

    /** {@code rl:<namespace>|<route>|consumer=acme|}: which policy, where, and whose budget. */
    private String storeKey(Exchange exchange) {
        StoreKey key = new StoreKey(namespace);
        if (perRoute) {
            key.value(exchange.route().name());
        }
        for (KeyPart part : parts) {
            part.resolve(exchange, key);
        }
        return key.toString();
    }

    /** The parts as the 429 detail names them; only built for refusals. */
    private String describe(Exchange exchange) {
        StringJoiner text = new StringJoiner(", ");
        for (KeyPart part : parts) {
            part.resolve(exchange, (label, value) -> text.add(part.describe(label, value)));
        }
        return text.toString();
    }

    private static void writeHeaders(Headers h, RateDecision d) {
        h.set(LIMIT, Long.toString(d.limit()));
        h.set(REMAINING, Long.toString(d.remaining()));
        h.set(RESET, Long.toString(ceilSeconds(d.resetAfter())));
    }

    private static long ceilSeconds(Duration d) {
        long nanos = d.toNanos();
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }

    private static long remainingOf(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
