package dev.portcullis.kernel.server;

import dev.portcullis.kernel.observe.Layers;
import dev.portcullis.kernel.observe.Tracing;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import java.util.Map;
import dev.portcullis.kernel.chain.DefaultExchange;
import dev.portcullis.kernel.chain.Problems;
import dev.portcullis.kernel.observe.AccessLog;
import dev.portcullis.kernel.routing.RouteMatch;
import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.kernel.runtime.CompiledRoute;
import dev.portcullis.kernel.runtime.ConfigHolder;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StandardAttributes;
import dev.portcullis.spi.StreamHook;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Helidon handler of the gateway listener: normalise the path, route, run the route's
 * chain, write the response, log and measure. Runs on the request's virtual thread.
 */
public final class GatewayHandler implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
    private static final io.helidon.http.HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final io.helidon.http.HeaderName X_CORRELATION_ID = HeaderNames.create("X-Correlation-Id");
    /** How long, and how many bytes, an unwanted request body is read before its connection is closed. */
    private static final java.time.Duration LINGER = java.time.Duration.ofSeconds(2);
    private static final long LINGER_MAX_BYTES = 64L << 20;

    private final ConfigHolder holder;
    private final AccessLog accessLog;
    private final Clock clock;
    private final Tracing tracing;
    private final AuditLog audit;
    private final long maxRequestBody;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter unrouted;
    private final Counter clientGone;
    private final Counter upstreamBroken;

    /**
     * A handler serving whatever config {@code holder} has current, tracing each request with
     * {@code tracing}, recording correlated hops in {@code audit}, refusing request bodies over
     * {@code maxRequestBody} bytes with a 413.
     */
    public GatewayHandler(ConfigHolder holder, AccessLog accessLog, MeterRegistry meters, Clock clock, Tracing tracing,
            AuditLog audit, long maxRequestBody) {
        this.tracing = tracing;
        this.audit = audit;
        this.maxRequestBody = maxRequestBody;
        this.holder = holder;
        this.accessLog = accessLog;
        this.clock = clock;
        meters.gauge("portcullis.requests.active", active);
        this.unrouted = Counter.builder("portcullis.requests.unrouted").description("Requests refused before routing (no route, bad path)").register(meters);
        this.clientGone = Counter.builder("portcullis.requests.client_gone").description("Responses cut short because the client went away").register(meters);
        this.upstreamBroken = Counter.builder("portcullis.upstream.broken_streams").description("Responses cut short because the upstream failed mid-body").register(meters);
    }

    /** The status logged for a request whose client left before its answer (nginx's convention). */
    static final int CLIENT_CLOSED_REQUEST = 499;

    /** Requests being served right now. */
    public int active() {
        return active.get();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long startNanos = System.nanoTime();
        long start = clock.millis();
        active.incrementAndGet();
        CompiledConfig config = holder.acquire();
        String method = req.prologue().method().text();
        String rawPath = req.prologue().uriPath().rawPath();
        String requestId = RequestIds.acceptOrCreate(req.headers().first(X_REQUEST_ID).orElse(null));
        boolean head = "HEAD".equals(method);
        Tracing.RequestSpan span = null;
        int status = 500;
        try {
            String path;
            try {
                path = PathNormalizer.decode(rawPath);
            } catch (PathNormalizer.InvalidPathException e) {
                refuse(Failure.of(400, "invalid-path", "Invalid path", e.getMessage()), null, req, res, requestId,
                        method, rawPath, start, startNanos);
                return;
            }
            try {
                PathNormalizer.checkQuery(req.query().rawValue());
            } catch (PathNormalizer.InvalidPathException e) {
                refuse(Failure.of(400, "invalid-query", "Invalid query", e.getMessage()), null, req, res, requestId,
                        method, path, start, startNanos);
                return;
            }
            ServerRequestView view = new ServerRequestView(req, method, rawPath, path, maxRequestBody);
            RouteMatch<CompiledRoute> match = config.router().match(view.host(), method, path, view.headers()::get,
                    name -> view.queryParam(name).orElse(null));
            if (match == null) {
                refuse(Failure.of(404, "no-route", "No route", "no route matches " + method + " " + path), path,
                        req, res, requestId, method, path, start, startNanos);
                return;
            }
            CompiledRoute route = match.route();
            view.pathParams(match.pathParams());
            DefaultExchange ex = new DefaultExchange(requestId, view, route.info(), clock);
            if (tracing.enabled()) {
                span = tracing.startRequest(method + ' ' + route.info().name(), view.headers()::get, ex.correlationId());
                span.attribute("http.request.method", method).attribute("url.path", path)
                        .attribute("http.route", route.info().name()).attribute("portcullis.backend", route.info().backend());
                ex.span(span);
            }
            // checked here rather than by the listener, so the 413 comes in the route's protocol
            long declaredLength = req.headers().contentLength().orElse(-1);
            boolean bodyDeclared = declaredLength > 0 || req.headers().contains(HeaderNames.TRANSFER_ENCODING);
            Response response = declaredLength > maxRequestBody
                    ? route.chain().render(ex, Failure.of(413, "body-too-large", "Payload too large",
                            "the request body is larger than the gateway accepts (" + maxRequestBody + " bytes)"))
                    : route.chain().execute(ex);
            if (ex.isCancelled()) {
                // the client left while the upstream worked (Exchange.watchClient): nobody to answer
                response.body().discard();
                clientGone.increment();
                ex.complete();
                status = CLIENT_CLOSED_REQUEST;
                route.metrics().record(status, System.nanoTime() - startNanos);
                log(start, startNanos, requestId, route.info().name(), method, path, status,
                        ex.attributes().get(StandardAttributes.UPSTREAM).orElse(null), 0,
                        ex.identity().map(Identity::consumer).orElse(null), req, "client-gone");
                closeConnection(res);
            }
            List<StreamHook> hooks = response.isEventStream() || response.body().events() != null
                    ? route.chain().streamHooks(ex) : List.of();
            boolean close = bodyDeclared && (view.bodyUnread() || response.status() >= 400);
            if (close) {
                // The request body may not have been read to its end: say so, rather than let the
                // client send its next request into the rest of this one.
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            close |= view.connectionClose();
            ResponseWriter.Outcome out = ResponseWriter.write(response, res, requestId, hooks, head);
            String outcome = null;
            if (out.clientGone()) {
                ex.cancel();
                clientGone.increment();
                outcome = "client-gone";
            } else if (out.upstreamFailed()) {
                upstreamBroken.increment();
                outcome = "upstream-failed";
            }
            ex.complete();
            long nanos = System.nanoTime() - startNanos;
            status = out.statusSent() != 0 ? out.statusSent() : response.status();
            route.metrics().record(status, nanos);
            if (req.headers().contains(X_CORRELATION_ID) && !ex.correlationId().equals(requestId)) {
                // an agent threading its work: each hop joins the chain /api/audit?correlationId= shows
                audit.record(AuditEvent.of(ex, Layers.of(route.info().backend()), "request", status < 400 ? "allow" : "deny",
                        route.info().backend(), method + " " + path + " → " + status,
                        Map.of("status", Integer.toString(status), "method", method)));
            }
            log(start, startNanos, requestId, route.info().name(), method, path, status,
                    ex.attributes().get(StandardAttributes.UPSTREAM).orElse(null), out.bytesOut(),
                    ex.identity().map(Identity::consumer).orElse(null), req, outcome);
            if (out.upstreamFailed()) {
                // Abort the connection: a clean end of a chunked body would claim the truncated
                // response is complete.
                throw new UncheckedIOException(new java.io.IOException("upstream failed mid-body; aborting the response"));
            }
            if (close) {
                if (bodyDeclared) {
                    linger(req, view::rawBody);
                }
                closeConnection(res);
            }
        } catch (UncheckedIOException | CloseConnectionException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", requestId, e);
            if (!res.isSent() && res.bytesWritten() == 0) {
                try {
                    Response r = Problems.response(Failure.of(500, "internal-error", "Internal error",
                            "the gateway failed to process this request; quote request id " + requestId), null, requestId);
                    ResponseWriter.write(r, res, requestId, List.of(), head);
                } catch (RuntimeException again) {
                    LOG.debug("could not send the 500 either: {}", again.toString());
                }
            }
        } finally {
            if (span != null) {
                span.end(status);
            }
            holder.release(config);
            active.decrementAndGet();
        }
    }

    /** Answers a request refused before routing (bad path, no route). */
    private void refuse(Failure failure, String instance, ServerRequest req, ServerResponse res, String requestId,
            String method, String path, long start, long startNanos) {
        unrouted.increment();
        Response r = Problems.response(failure, instance, requestId);
        boolean close = declaresBody(req);
        if (close) {
            // the body is not wanted: close rather than read it
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        close |= clientAskedToClose(req);
        var out = ResponseWriter.write(r, res, requestId, List.of(), "HEAD".equals(method));
        log(start, startNanos, requestId, null, method, path, failure.status(), null, out.bytesOut(), null, req, null);
        if (close) {
            if (declaresBody(req)) {
                linger(req, () -> req.content().inputStream());
            }
            closeConnection(res);
        }
    }

    /**
     * Ends the connection after a response that said {@code Connection: close}. Helidon 4.5 does not
     * act on it: after a handler's {@code Connection: close} it would go on to parse the unread rest
     * of the body as the client's next request (request smuggling), and after a client's it would
     * wait for another request until the idle timeout. Its close exception ends the connection, but
     * skips the response's commit: a streamed (chunked) body would lose its terminating chunk and
     * look cut off to the client, so the response is committed first.
     */
    private static void closeConnection(ServerResponse res) {
        if (res instanceof RoutingResponse routing) {
            try {
                routing.commit(); // no-op unless a streamed body is still open
            } catch (RuntimeException clientGone) {
                // nobody left to read the last chunk; closing is all there is to do
            }
        }
        throw new ConnectionEnd();
    }

    /**
     * Helidon's close signal without a stack trace: it is control flow, caught a few frames up and
     * logged at TRACE at most, and filling in the ~40 frames of a virtual thread's stack cost every
     * request that closes its connection several microseconds.
     */
    private static final class ConnectionEnd extends CloseConnectionException {
        ConnectionEnd() {
            super("response sent with Connection: close");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Reads and drops what is left of the request body, for a short while, before the connection is
     * closed ("lingering close"). Closing a socket with unread bytes in its receive buffer sends a
     * reset, and a client still sending its body would lose the response (seen: 4 in 40 refused
     * 5 MB uploads failed with "received no bytes" without this). The drain runs on its own
     * virtual thread so that a client that stops sending cannot hold the request past the limit:
     * closing the connection ends its read.
     */
    private static void linger(ServerRequest req, java.util.function.Supplier<java.io.InputStream> body) {
        if (req.content().consumed() || req.headers().containsToken(HeaderValues.EXPECT_100)) {
            // nothing left, or a client waiting for a 100 that now never comes: it sends no body,
            // and reading would make the listener send that 100 after the final response
            return;
        }
        Thread drain = Thread.ofVirtual().name("portcullis-linger").start(() -> {
            byte[] buf = new byte[16 * 1024];
            long dropped = 0;
            try {
                java.io.InputStream in = body.get();
                for (int n; dropped < LINGER_MAX_BYTES && (n = in.read(buf)) >= 0; ) {
                    dropped += n;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // the client went away or the connection is closing: nothing left to drain
            }
        });
        try {
            drain.join(LINGER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean clientAskedToClose(ServerRequest req) {
        return req.headers().containsToken(HeaderValues.CONNECTION_CLOSE);
    }

    private static boolean declaresBody(ServerRequest req) {
        return req.headers().contentLength().orElse(0) > 0 || req.headers().contains(HeaderNames.TRANSFER_ENCODING);
    }

    private void log(long start, long startNanos, String requestId, String route, String method, String path,
            int status, String upstream, long bytesOut, String consumer, ServerRequest req, String outcome) {
        if (accessLog == null) {
            return;
        }
        long bytesIn = req.headers().contentLength().orElse(-1);
        // the numeric address, as the request view gives it to policies
        String ip = req.remotePeer().address() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : null;
        accessLog.log(new AccessLog.Entry(start, requestId, route, method, path, status,
                (System.nanoTime() - startNanos) / 1000, upstream, bytesIn, bytesOut, consumer, ip, outcome));
    }
}
