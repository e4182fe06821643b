package dev.portcullis.kernel.chain;

import dev.portcullis.kernel.observe.Tracing;
import dev.portcullis.kernel.server.DisconnectWatchdog;
import dev.portcullis.kernel.server.RequestIds;
import dev.portcullis.spi.Attributes;
import dev.portcullis.spi.ClientWatch;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import dev.portcullis.spi.TraceSpan;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kernel's {@link Exchange}: one per request, confined to the request's virtual thread. */
public final class DefaultExchange implements Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultExchange.class);

    private final String requestId;
    private String correlationId;
    private Tracing.RequestSpan span;
    private final Request request;
    private final RouteInfo route;
    private final Clock clock;
    private final DefaultAttributes attributes = new DefaultAttributes();
    private Response response;
    private Identity identity;
    private volatile boolean cancelled;
    private List<Runnable> completions;

    /** A new exchange for {@code request} on {@code route}. */
    public DefaultExchange(String requestId, Request request, RouteInfo route, Clock clock) {
        this.requestId = requestId;
        this.request = request;
        this.route = route;
        this.clock = clock;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String correlationId() {
        String id = correlationId;
        if (id == null) {
            String given = request.headers().get("X-Correlation-Id");
            id = given != null && RequestIds.isSane(given) ? given : requestId;
            correlationId = id;
        }
        return id;
    }

    /** Sets the request's span (when tracing is on). */
    public void span(Tracing.RequestSpan span) {
        this.span = span;
    }

    @Override
    public TraceSpan span() {
        return span == null ? TraceSpan.NOOP : span;
    }

    @Override
    public TraceSpan startSpan(String name) {
        return span == null ? TraceSpan.NOOP : span.child(name);
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public Response response() {
        return response;
    }

    /** Sets the response the chain is working on. */
    public void response(Response response) {
        this.response = response;
    }

    @Override
    public RouteInfo route() {
        return route;
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    @Override
    public void identity(Identity identity) {
        if (this.identity != null) {
            throw new IllegalStateException("identity is already set (by method " + this.identity.method() + ")");
        }
        this.identity = identity;
    }

    @Override
    public Attributes attributes() {
        return attributes;
    }

    /** The attributes as names and values, for logs and the admin API. */
    public java.util.Map<String, Object> attributeSnapshot() {
        return attributes.snapshot();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public ClientWatch watchClient() {
        Thread waiter = Thread.currentThread();
        DisconnectWatchdog.Watch watch = DisconnectWatchdog.start(() -> {
            cancelled = true;
            waiter.interrupt();
        });
        return () -> {
            if (watch.stop()) {
                Thread.interrupted(); // the interrupt was for the upstream call, which is over
            }
        };
    }

    /** Marks the exchange abandoned (client gone, or shutdown). */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public void onComplete(Runnable action) {
        if (completions == null) {
            completions = new ArrayList<>(2);
        }
        completions.add(action);
    }

    /** Runs the completion actions once; a failing action is logged and does not stop the others. */
    public void complete() {
        if (completions == null) {
            return;
        }
        List<Runnable> actions = completions;
        completions = null;
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("completion action failed for request {}: {}", requestId, e.toString());
            }
        }
    }
}
