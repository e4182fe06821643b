package dev.portcullis.kernel.backend.http;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Config of the {@code http} backend: a reverse proxy to one or more HTTP/1.1 targets.
 *
 * @param targets      upstream targets; at least one
 * @param loadBalancer {@code round-robin} (default), {@code weighted} (smooth weighted round
 *                     robin) or {@code least-requests} (power of two choices)
 * @param timeouts     connect, response and idle timeouts
 * @param retry        retries of idempotent requests on another target
 * @param healthCheck  active health checks; none when absent
 * @param circuitBreaker per-target circuit breaker (error ratio over a sliding window, or
 *                     consecutive failures); when absent, {@code passive} is the breaker
 * @param passive      passive ejection after consecutive failures: the circuit breaker's
 *                     consecutive-failures arm on its own (default 5 failures, 30s); not
 *                     allowed together with {@code circuitBreaker}, which has that arm itself
 * @param stripPrefix  removed from the start of the request path when present (segment-wise)
 * @param addPrefix    put in front of the path (after the target's own base path)
 * @param preserveHost forward the client's Host header instead of the target's (default false)
 * @param pool         keep-alive connection pool
 * @param tls          trust settings for https targets
 */
public record HttpBackendConfig(
        List<Target> targets,
        String loadBalancer,
        Timeouts timeouts,
        Retry retry,
        HealthCheck healthCheck,
        Breaker circuitBreaker,
        Passive passive,
        String stripPrefix,
        String addPrefix,
        Boolean preserveHost,
        Pool pool,
        Tls tls) implements Validatable {

    /** The load balancer names. */
    public static final List<String> LOAD_BALANCERS = List.of("round-robin", "weighted", "least-requests");

    /** Fills defaults. */
    public HttpBackendConfig {
        targets = targets == null ? List.of() : List.copyOf(targets);
        loadBalancer = loadBalancer == null ? "round-robin" : loadBalancer;
        timeouts = timeouts == null ? new Timeouts(null, null, null) : timeouts;
        retry = retry == null ? new Retry(null, null, null, null, null) : retry;
        preserveHost = preserveHost != null && preserveHost;
        pool = pool == null ? new Pool(null, null) : pool;
        tls = tls == null ? new Tls(null) : tls;
    }

    /**
     * Checks this record's own fields. Nested records check themselves: the kernel validates
     * every {@link Validatable} in the bound tree, each at its own path.
     */
    @Override
    public void validate(ConfigErrors errors) {
        if (targets.isEmpty()) {
            errors.add("targets", "at least one target is required");
        }
        if (!LOAD_BALANCERS.contains(loadBalancer)) {
            errors.add("loadBalancer", "unknown load balancer '" + loadBalancer + "' (round-robin, weighted, least-requests)");
        }
        checkPrefix(errors, "stripPrefix", stripPrefix);
        checkPrefix(errors, "addPrefix", addPrefix);
        if (circuitBreaker != null && passive != null) {
            errors.add("passive", "not allowed with circuitBreaker: passive ejection is the breaker's consecutive-failures"
                    + " arm, set circuitBreaker.consecutiveFailures and circuitBreaker.openFor instead");
        }
    }

    /** Passive ejection as configured, or its defaults when left out. */
    public Passive passiveOrDefault() {
        return passive != null ? passive : new Passive(null, null);
    }

    private static void checkPrefix(ConfigErrors errors, String path, String prefix) {
        if (prefix != null && (!prefix.startsWith("/") || prefix.indexOf('?') >= 0 || prefix.indexOf('#') >= 0
                || prefix.chars().anyMatch(c -> c <= ' ' || c >= 0x7f))) {
            errors.add(path, "must be a path starting with '/' (no query, no spaces)");
        }
    }

    static void positive(ConfigErrors errors, String path, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            errors.add(path, "must be a positive duration");
        }
    }

    static void notNegative(ConfigErrors errors, String path, Duration d) {
        if (d != null && d.isNegative()) {
            errors.add(path, "must not be negative");
        }
    }

    /**
     * One upstream target.
     *
     * @param url    absolute {@code http} or {@code https} URL; a path is a base path prefix
     * @param weight relative share for the {@code weighted} balancer (default 1)
     */
    public record Target(String url, Integer weight) implements Validatable {

        /** Defaults the weight. */
        public Target {
            weight = weight == null ? 1 : weight;
        }

        @Override
        public void validate(ConfigErrors errors) {
            URI uri = parse(url);
            if (uri == null) {
                errors.add("url", "not an absolute http(s) URL: '" + url + "'");
            } else if (uri.getRawUserInfo() != null) {
                errors.add("url", "must not contain credentials (set an Authorization header with a policy instead)");
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                errors.add("url", "must not have a query or fragment");
            }
            if (weight < 1) {
                errors.add("weight", "must be at least 1");
            }
        }

        /** The URL as a URI when it is an absolute http(s) URL with a host, else null. */
        static URI parse(String url) {
            if (url == null) {
                return null;
            }
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme();
                if (scheme == null || uri.getHost() == null
                        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                    return null;
                }
                return uri;
            } catch (URISyntaxException e) {
                return null;
            }
        }
    }

    /**
     * Timeouts.
     *
     * @param connect  TCP connect and TLS handshake (default 2s)
     * @param response from the request sent to the response head (default 30s)
     * @param idle     longest silence while the response body streams (default 60s)
     */
    public record Timeouts(Duration connect, Duration response, Duration idle) implements Validatable {

        /** Fills defaults. */
        public Timeouts {
            connect = connect == null ? Duration.ofSeconds(2) : connect;
            response = response == null ? Duration.ofSeconds(30) : response;
            idle = idle == null ? Duration.ofSeconds(60) : idle;
        }

        @Override
        public void validate(ConfigErrors errors) {
            positive(errors, "connect", connect);
            positive(errors, "response", response);
            positive(errors, "idle", idle);
        }
    }

    /**
     * Retries: only for the listed methods, and only when the request body is empty or buffered.
     *
     * @param attempts   extra tries after the first (default 1; 0 disables)
     * @param backoff    first delay, doubled per retry, with jitter (default 50ms)
     * @param maxBackoff longest delay, also the cap on a 503's Retry-After (default 1s)
     * @param on         {@code connect-failure}, {@code reset}, {@code response-timeout}, or 5xx/429
     *                   status codes (default connect-failure, 502, 503, 504)
     * @param methods    methods that may be retried (default GET, HEAD, OPTIONS, PUT, DELETE)
     */
    public record Retry(Integer attempts, Duration backoff, Duration maxBackoff, List<String> on, List<String> methods)
            implements Validatable {

        /** The non-status retry conditions. */
        public static final Set<String> CONDITIONS = Set.of("connect-failure", "reset", "response-timeout");

        /** Fills defaults. */
        public Retry {
            attempts = attempts == null ? 1 : attempts;
            backoff = backoff == null ? Duration.ofMillis(50) : backoff;
            maxBackoff = maxBackoff == null ? Duration.ofSeconds(1) : maxBackoff;
            on = on == null ? List.of("connect-failure", "502", "503", "504") : List.copyOf(on);
            methods = methods == null ? List.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
                    : methods.stream().map(m -> m == null ? "" : m.toUpperCase(Locale.ROOT)).toList();
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (attempts < 0) {
                errors.add("attempts", "must not be negative");
            }
            notNegative(errors, "backoff", backoff);
            notNegative(errors, "maxBackoff", maxBackoff);
            for (int i = 0; i < on.size(); i++) {
                String c = on.get(i);
                if (c == null || !(CONDITIONS.contains(c) || status(c) > 0)) {
                    errors.add("on[" + i + "]", "unknown retry condition '" + c
                            + "' (connect-failure, reset, response-timeout, 429 or a 5xx status)");
                }
            }
            for (int i = 0; i < methods.size(); i++) {
                if (!methods.get(i).matches("[A-Z]+")) {
                    errors.add("methods[" + i + "]", "not an HTTP method: '" + methods.get(i) + "'");
                }
            }
        }

        /** The status a condition names (429 or 500-599), else -1. */
        static int status(String condition) {
            if (condition.length() != 3 || !condition.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int s = Integer.parseInt(condition);
            return s == 429 || (s >= 500 && s <= 599) ? s : -1;
        }
    }

    /**
     * Active health checks: a GET of {@code path} on each target's origin.
     *
     * @param path               request path (default {@code /health}); 2xx and 3xx are healthy
     * @param interval           time between probes (default 5s)
     * @param timeout            connect and response timeout of a probe (default 1s)
     * @param healthyThreshold   consecutive successes to become healthy again (default 2)
     * @param unhealthyThreshold consecutive failures to become unhealthy (default 3)
     */
    public record HealthCheck(String path, Duration interval, Duration timeout, Integer healthyThreshold,
            Integer unhealthyThreshold) implements Validatable {

        /** Fills defaults. */
        public HealthCheck {
            path = path == null ? "/health" : path;
            interval = interval == null ? Duration.ofSeconds(5) : interval;
            timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
            healthyThreshold = healthyThreshold == null ? 2 : healthyThreshold;
            unhealthyThreshold = unhealthyThreshold == null ? 3 : unhealthyThreshold;
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                errors.add("path", "must be a path starting with '/'");
            }
            positive(errors, "interval", interval);
            positive(errors, "timeout", timeout);
            if (healthyThreshold < 1) {
                errors.add("healthyThreshold", "must be at least 1");
            }
            if (unhealthyThreshold < 1) {
                errors.add("unhealthyThreshold", "must be at least 1");
            }
        }
    }

    /**
     * Per-target circuit breaker. Closed: traffic flows and results are counted. It opens when,
     * over the sliding {@code window}, at least {@code minRequests} requests were seen and
     * failures / requests reached {@code errorRatio}, or after {@code consecutiveFailures}
     * failures in a row. Open: the target gets no traffic for {@code openFor}, then half-open:
     * {@code halfOpenProbes} trial requests are let through; all succeed → closed, any fails →
     * open again. When every target is open the route answers 503 {@code circuit-open} with a
     * {@code Retry-After}. Failures are connect failures, timeouts, resets, TLS and protocol
     * errors, and responses with a status in {@code failureStatuses}.
     *
     * @param errorRatio          failure ratio that opens the circuit, in (0, 1] (default 0.5)
     * @param minRequests         requests the window must have seen first (default 20)
     * @param consecutiveFailures failures in a row that open it (default 5; 0 turns this arm off)
     * @param window              length of the sliding window, kept as 10 buckets (default 10s)
     * @param openFor             how long the circuit stays open before probing (default 30s)
     * @param halfOpenProbes      trial requests admitted when half-open (default 3)
     * @param failureStatuses     statuses that count as failures: {@code 5xx}, {@code 4xx} or a
     *                            code such as {@code 429} (default {@code [5xx]})
     */
    public record Breaker(Double errorRatio, Integer minRequests, Integer consecutiveFailures, Duration window,
            Duration openFor, Integer halfOpenProbes, List<String> failureStatuses) implements Validatable {

        /** Fills defaults. */
        public Breaker {
            errorRatio = errorRatio == null ? 0.5 : errorRatio;
            minRequests = minRequests == null ? 20 : minRequests;
            consecutiveFailures = consecutiveFailures == null ? 5 : consecutiveFailures;
            window = window == null ? Duration.ofSeconds(10) : window;
            openFor = openFor == null ? Duration.ofSeconds(30) : openFor;
            halfOpenProbes = halfOpenProbes == null ? 3 : halfOpenProbes;
            failureStatuses = failureStatuses == null ? List.of("5xx") : List.copyOf(failureStatuses);
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (!(errorRatio > 0 && errorRatio <= 1)) {
                errors.add("errorRatio", "must be greater than 0 and at most 1");
            }
            if (minRequests < 1) {
                errors.add("minRequests", "must be at least 1");
            }
            if (consecutiveFailures < 0) {
                errors.add("consecutiveFailures", "must not be negative");
            }
            if (window.compareTo(Duration.ofMillis(10)) < 0) {
                errors.add("window", "must be at least 10ms");
            }
            positive(errors, "openFor", openFor);
            if (halfOpenProbes < 1 || halfOpenProbes > 1000) {
                errors.add("halfOpenProbes", "must be between 1 and 1000");
            }
            for (int i = 0; i < failureStatuses.size(); i++) {
                if (statuses(failureStatuses.get(i)) == null) {
                    errors.add("failureStatuses[" + i + "]", "not a status or class: '" + failureStatuses.get(i)
                            + "' (4xx, 5xx, or a code from 400 to 599)");
                }
            }
        }

        /** The statuses {@code entry} names ({@code 5xx} → 500..599, {@code 429} → 429), or null if invalid. */
        static int[] statuses(String entry) {
            if (entry == null || entry.length() != 3) {
                return null;
            }
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.equals("4xx") || e.equals("5xx")) {
                int base = (e.charAt(0) - '0') * 100;
                return java.util.stream.IntStream.range(base, base + 100).toArray();
            }
            if (!e.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int s = Integer.parseInt(e);
            return s >= 400 && s <= 599 ? new int[] {s} : null;
        }
    }

    /**
     * Passive ejection: a target that fails {@code consecutiveFailures} times in a row (connect
     * failures, timeouts, resets, 5xx) gets no traffic for {@code ejectFor}; then one probe
     * request decides whether it is back. This is the circuit breaker with only its
     * consecutive-failures arm: its transitions show in the same circuit metrics and logs.
     *
     * @param consecutiveFailures failures that eject (default 5; 0 disables)
     * @param ejectFor            how long an ejected target rests (default 30s)
     */
    public record Passive(Integer consecutiveFailures, Duration ejectFor) implements Validatable {

        /** Fills defaults. */
        public Passive {
            consecutiveFailures = consecutiveFailures == null ? 5 : consecutiveFailures;
            ejectFor = ejectFor == null ? Duration.ofSeconds(30) : ejectFor;
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (consecutiveFailures < 0) {
                errors.add("consecutiveFailures", "must not be negative");
            }
            positive(errors, "ejectFor", ejectFor);
        }
    }

    /**
     * Keep-alive pool.
     *
     * @param maxIdlePerTarget idle connections kept per target (default 64)
     * @param idleTimeout      how long an idle connection is kept (default 60s)
     */
    public record Pool(Integer maxIdlePerTarget, Duration idleTimeout) implements Validatable {

        /** Fills defaults. */
        public Pool {
            maxIdlePerTarget = maxIdlePerTarget == null ? 64 : maxIdlePerTarget;
            idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (maxIdlePerTarget < 0) {
                errors.add("maxIdlePerTarget", "must not be negative");
            }
            positive(errors, "idleTimeout", idleTimeout);
        }
    }

    /**
     * TLS trust for https targets.
     *
     * @param caFile a PEM file of CA certificates to trust instead of the JDK's default store;
     *               relative to the config directory
     */
    public record Tls(String caFile) {}
}
