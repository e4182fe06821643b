package dev.portcullis.kernel.backend.http;

import dev.portcullis.upstream.HopByHop;
import dev.portcullis.upstream.UpstreamClient;
import dev.portcullis.upstream.UpstreamConnectException;
import dev.portcullis.upstream.UpstreamConnectTimeoutException;
import dev.portcullis.upstream.UpstreamException;
import dev.portcullis.upstream.UpstreamProtocolException;
import dev.portcullis.upstream.UpstreamRequest;
import dev.portcullis.upstream.UpstreamResetException;
import dev.portcullis.upstream.UpstreamResponse;
import dev.portcullis.upstream.UpstreamResponseTimeoutException;
import dev.portcullis.upstream.UpstreamTlsException;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.StandardAttributes;
import dev.portcullis.spi.Response;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The {@code http} backend: forwards the exchange to one of its targets and streams the answer
 * back. Everything that can be decided from config is decided in the constructor.
 */
final class HttpBackend implements Backend {

    private final UpstreamTarget[] targets;
    private final LoadBalancer balancer;
    private final UpstreamClient client;
    private final HealthChecker health;
    private final Runnable onClose;
    private final LongSupplier nanoClock;

    private final String stripPrefix;
    private final boolean preserveHost;

    private final int retryAttempts;
    private final Set<String> retryMethods;
    private final boolean retryConnectFailure;
    private final boolean retryReset;
    private final boolean retryResponseTimeout;
    private final boolean[] retryStatus = new boolean[600];
    private final long backoffNanos;
    private final long maxBackoffNanos;
    private final String targetList;

    HttpBackend(HttpBackendConfig config, UpstreamTarget[] targets, UpstreamClient client, HealthChecker health,
            Runnable onClose, LongSupplier nanoClock) {
        this.targets = targets;
        this.nanoClock = nanoClock;
        this.balancer = LoadBalancer.named(config.loadBalancer());
        this.client = client;
        this.health = health;
        this.onClose = onClose;
        String strip = config.stripPrefix();
        this.stripPrefix = strip == null || strip.equals("/") ? null
                : strip.endsWith("/") ? strip.substring(0, strip.length() - 1) : strip;
        this.preserveHost = config.preserveHost();
        HttpBackendConfig.Retry retry = config.retry();
        this.retryAttempts = retry.attempts();
        this.retryMethods = Set.copyOf(retry.methods());
        this.retryConnectFailure = retry.on().contains("connect-failure");
        this.retryReset = retry.on().contains("reset");
        this.retryResponseTimeout = retry.on().contains("response-timeout");
        for (String on : retry.on()) {
            int status = HttpBackendConfig.Retry.status(on);
            if (status > 0) {
                retryStatus[status] = true;
            }
        }
        this.backoffNanos = retry.backoff().toNanos();
        this.maxBackoffNanos = retry.maxBackoff().toNanos();
        this.targetList = Arrays.stream(targets).map(t -> t.label).collect(Collectors.joining(", "));
    }

    @Override
    public Response handle(Exchange exchange) throws IOException {
        Request request = exchange.request();
        String method = request.method();
        Body body = request.body();
        String pathAndQuery = pathAndQuery(request);
        Headers headers = forwardHeaders(exchange, request);
        int attempts = retryAttempts > 0 && retryMethods.contains(method) && (body.isEmpty() || body.isBuffered())
                ? retryAttempts : 0;
        boolean[] tried = null;
        for (int attempt = 0; ; attempt++) {
            long now = nanoClock.getAsLong();
            UpstreamTarget target = null;
            int permit = CircuitBreaker.DENIED;
            // a half-open target may run out of probe permits between pick and acquire: pick again
            for (int i = 0; i <= targets.length && permit == CircuitBreaker.DENIED; i++) {
                target = balancer.pick(targets, tried, now);
                if (target == null) {
                    throw unavailable(now);
                }
                permit = target.breaker.tryAcquire(now);
            }
            if (permit == CircuitBreaker.DENIED) {
                throw unavailable(now);
            }
            if (!preserveHost) {
                headers.set("Host", target.hostHeader);
            }
            boolean last = attempt >= attempts || exchange.isCancelled();
            UpstreamResponse response;
            target.inFlight.incrementAndGet();
            try {
                response = client.send(new UpstreamRequest(method, target.origin, target.target(pathAndQuery), headers, body));
            } catch (UpstreamException e) {
                target.inFlight.decrementAndGet();
                UpstreamTarget.Cause cause = cause(e);
                target.countError(cause);
                target.breaker.onFailure(permit, nanoClock.getAsLong(), cause.tag);
                if (last || !retryOn(e)) {
                    throw failure(target, e);
                }
                tried = markTried(tried, target);
                target.retries.increment();
                pause(backoff(attempt));
                continue;
            } catch (IOException | RuntimeException e) {
                // the request body failed (a client gone, a size limit): the client's problem, passed on as is
                target.inFlight.decrementAndGet();
                target.breaker.release(permit);
                throw e;
            }
            int status = response.status();
            if (status >= 500) {
                target.countError(UpstreamTarget.Cause.STATUS_5XX);
            }
            if (target.breaker.isFailure(status)) {
                target.breaker.onFailure(permit, nanoClock.getAsLong(), "failure status");
            } else {
                target.breaker.onSuccess(permit, nanoClock.getAsLong());
            }
            if (!last && retryStatus[status]) {
                long delay = status == 503 ? retryAfter(response.headers().get("Retry-After"), attempt) : backoff(attempt);
                discard(response);
                target.inFlight.decrementAndGet();
                tried = markTried(tried, target);
                target.retries.increment();
                pause(delay);
                continue;
            }
            exchange.attributes().set(StandardAttributes.UPSTREAM, target.hostHeader);
            return toResponse(method, response, target);
        }
    }

    private Response toResponse(String method, UpstreamResponse response, UpstreamTarget target) {
        int status = response.status();
        Headers headers = response.headers();
        if (response.contentLength() == 0 && (method.equals("HEAD") || status == 304 || status == 204 || status < 200)) {
            // bodiless by definition: Content-Length, if any, describes the resource, keep it
            target.inFlight.decrementAndGet();
            response.close();
            return new Response(status, headers, Body.empty());
        }
        headers.remove("Content-Length"); // the kernel frames from the body's length
        if (response.contentLength() == 0) {
            target.inFlight.decrementAndGet();
            response.close();
            return new Response(status, headers, Body.empty());
        }
        return new Response(status, headers, Body.of(new InFlight(response.body(), target), response.contentLength()));
    }

    /** The raw path after {@code stripPrefix}, plus the raw query: encoded characters stay encoded. */
    private String pathAndQuery(Request request) {
        String path = request.rawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        String strip = stripPrefix;
        if (strip != null && path.startsWith(strip)
                && (path.length() == strip.length() || path.charAt(strip.length()) == '/')) {
            path = path.substring(strip.length());
        }
        String query = request.rawQuery();
        return query == null || query.isEmpty() ? path : path + '?' + query;
    }

    private Headers forwardHeaders(Exchange exchange, Request request) {
        Headers in = request.headers();
        Headers out = new Headers(in.size() + 6);
        in.forEach(new Copier(out));
        String connection = in.get("Connection");
        if (connection != null) {
            HopByHop.removeNamedIn(connection, out);
        }
        String clientHost = in.get("Host");
        if (clientHost == null) {
            clientHost = request.host();
        }
        if (preserveHost && clientHost != null) {
            out.add("Host", clientHost);
        }
        String prior = in.get("X-Forwarded-For");
        if (prior != null) {
            prior = String.join(", ", in.all("X-Forwarded-For"));
        }
        String ip = request.clientIp();
        out.add("X-Forwarded-For", prior == null ? ip : prior + ", " + ip);
        out.add("X-Forwarded-Proto", request.scheme());
        if (clientHost != null) {
            out.add("X-Forwarded-Host", clientHost);
        }
        out.add("X-Request-Id", exchange.requestId());
        out.add("X-Correlation-Id", exchange.correlationId());
        String traceparent = exchange.span().traceparent();
        if (traceparent != null) {
            // the upstream continues our trace; the client's own traceparent is our span's parent
            out.set("traceparent", traceparent);
        }
        return out;
    }

    /** Copies end-to-end headers, leaving out those the backend sets itself. */
    private record Copier(Headers out) implements BiConsumer<String, String> {
        @Override
        public void accept(String name, String value) {
            if (HopByHop.is(name) || owned(name)) {
                return;
            }
            out.add(name, value);
        }

        private static boolean owned(String name) {
            return switch (name.length()) {
                case 4 -> name.equalsIgnoreCase("host");
                case 6 -> name.equalsIgnoreCase("expect");
                case 12 -> name.equalsIgnoreCase("x-request-id");
                case 16 -> name.equalsIgnoreCase("x-forwarded-host") || name.equalsIgnoreCase("x-correlation-id");
                case 14 -> name.equalsIgnoreCase("content-length");
                case 15 -> name.equalsIgnoreCase("x-forwarded-for");
                case 17 -> name.equalsIgnoreCase("x-forwarded-proto");
                default -> false;
            };
        }
    }

    /**
     * No target can take the request: 503 {@code circuit-open} with {@code Retry-After} when
     * circuit breakers hold back at least one target that health checks count as up, else 503
     * {@code no-healthy-upstream}.
     */
    private GatewayException unavailable(long now) {
        long wait = Long.MAX_VALUE;
        for (UpstreamTarget t : targets) {
            if (t.healthy() && !t.breaker.admits(now)) {
                wait = Math.min(wait, t.breaker.nanosUntilProbe(now));
            }
        }
        if (wait == Long.MAX_VALUE) {
            return new GatewayException(Failure.of(503, "no-healthy-upstream", "No healthy upstream",
                    "every target of this route is down (" + targetList + ")"));
        }
        // a half-open circuit whose probes are all out has no known time: a second is a fair guess
        long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
        return new GatewayException(Failure.of(503, "circuit-open", "Circuit open",
                "no target of this route takes traffic: their circuit breakers are open (" + targetList
                        + "); retry in " + seconds + "s").withHeader("Retry-After", Long.toString(seconds)));
    }

    private boolean retryOn(UpstreamException e) {
        return switch (e) {
            case UpstreamConnectException x -> retryConnectFailure;
            case UpstreamConnectTimeoutException x -> retryConnectFailure;
            case UpstreamTlsException x -> retryConnectFailure;
            case UpstreamResetException x -> retryReset || (retryConnectFailure && x.beforeResponse());
            case UpstreamResponseTimeoutException x -> retryResponseTimeout;
            case UpstreamProtocolException x -> false;
        };
    }

    private static UpstreamTarget.Cause cause(UpstreamException e) {
        return switch (e) {
            case UpstreamConnectException x -> UpstreamTarget.Cause.UNREACHABLE;
            case UpstreamConnectTimeoutException x -> UpstreamTarget.Cause.CONNECT_TIMEOUT;
            case UpstreamTlsException x -> UpstreamTarget.Cause.TLS;
            case UpstreamResetException x -> UpstreamTarget.Cause.RESET;
            case UpstreamResponseTimeoutException x -> UpstreamTarget.Cause.RESPONSE_TIMEOUT;
            case UpstreamProtocolException x -> UpstreamTarget.Cause.BAD_RESPONSE;
        };
    }

    private static GatewayException failure(UpstreamTarget target, UpstreamException e) {
        String detail = "upstream " + target.label + ": " + e.getMessage();
        Failure failure = switch (e) {
            case UpstreamConnectTimeoutException x -> Failure.of(504, "upstream-timeout", "Upstream timed out", detail);
            case UpstreamResponseTimeoutException x -> Failure.of(504, "upstream-timeout", "Upstream timed out", detail);
            case UpstreamProtocolException x -> Failure.of(502, "upstream-bad-response", "Invalid upstream response", detail);
            case UpstreamConnectException x -> Failure.of(502, "upstream-unreachable", "Upstream unreachable", detail);
            case UpstreamResetException x -> Failure.of(502, "upstream-unreachable", "Upstream unreachable", detail);
            case UpstreamTlsException x -> Failure.of(502, "upstream-unreachable", "Upstream unreachable", detail);
        };
        return new GatewayException(failure, e);
    }

    private static boolean[] markTried(boolean[] tried, UpstreamTarget target) {
        boolean[] t = tried == null ? new boolean[target.index + 64] : tried;
        if (target.index >= t.length) {
            t = Arrays.copyOf(t, target.index + 1);
        }
        t[target.index] = true;
        return t;
    }

    /** Exponential backoff with equal jitter: half fixed, half random. */
    private long backoff(int attempt) {
        long base = backoffNanos << Math.min(attempt, 20);
        if (base <= 0 || base > maxBackoffNanos) {
            base = maxBackoffNanos;
        }
        long half = base / 2;
        return half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
    }

    /** A 503's {@code Retry-After} in seconds, capped at maxBackoff; else the normal backoff. */
    private long retryAfter(String value, int attempt) {
        if (value != null) {
            String v = value.trim();
            if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(Character::isDigit)) {
                return Math.min(Long.parseLong(v) * 1_000_000_000L, maxBackoffNanos);
            }
        }
        return backoff(attempt);
    }

    private static void pause(long nanos) throws IOException {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** Drops a retried response: a small known-length body is drained to keep the connection. */
    private static void discard(UpstreamResponse response) {
        try {
            long length = response.contentLength();
            if (length > 0 && length <= 16 * 1024) {
                response.body().skipNBytes(length);
            }
        } catch (IOException ignored) {
            // closing below closes the broken connection
        }
        response.close();
    }

    @Override
    public void close() {
        if (health != null) {
            health.close();
        }
        onClose.run();
        client.close();
    }

    /** The response body; closing it ends the request's in-flight count for least-requests. */
    private static final class InFlight extends FilterInputStream {
        private final UpstreamTarget target;
        private boolean closed;

        InFlight(InputStream in, UpstreamTarget target) {
            super(in);
            this.target = target;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                target.inFlight.decrementAndGet();
                in.close();
            }
        }
    }

    /** For error details in tests and logs. */
    @Override
    public String toString() {
        return "HttpBackend[" + targetList + "]";
    }
}
