package dev.portcullis.kernel.runtime;

import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow mode for any policy ({@code shadow: true} on its config): the policy runs as usual, but a
 * refusal is logged and counted instead of sent, and the request goes on. Lets operators try a
 * new rule on live traffic and see what it would have blocked. Changes a policy makes to the
 * request (headers, body) still apply: shadow mode neutralises decisions, not edits.
 */
final class ShadowPolicy implements Policy {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowPolicy.class);

    private final Policy delegate;
    private final String type;
    private final MeterRegistry meters;

    ShadowPolicy(Policy delegate, String type, MeterRegistry meters) {
        this.delegate = delegate;
        this.type = type;
        this.meters = meters;
    }

    Policy delegate() {
        return delegate;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        return observe(exchange, delegate.onRequest(exchange), "request");
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        return observe(exchange, delegate.onResponse(exchange), "response");
    }

    @Override
    public StreamHook onStream(Exchange exchange) {
        StreamHook hook = delegate.onStream(exchange);
        if (hook == null) {
            return null;
        }
        // The hook sees every event, but what reaches the client is the original stream.
        EventSink discard = new EventSink() {
            @Override
            public void emit(SseEvent event) {}

            @Override
            public void end() {
                record(exchange, "stream", "stream-ended", "the policy would have ended the stream here");
            }
        };
        return new StreamHook() {
            @Override
            public void onEvent(SseEvent event, EventSink downstream) throws IOException {
                hook.onEvent(event, discard);
                downstream.emit(event);
            }

            @Override
            public void onEnd(EventSink downstream) throws IOException {
                hook.onEnd(discard);
            }
        };
    }

    private Verdict observe(Exchange exchange, Verdict verdict, String phase) {
        switch (verdict) {
            case Verdict.Reject r -> {
                Failure f = r.failure();
                record(exchange, phase, f.code(), f.status() + " " + f.detail());
            }
            case Verdict.Respond r -> {
                r.response().body().discard();
                record(exchange, phase, "respond", "would have answered " + r.response().status());
            }
            case Verdict.Proceed p -> { }
        }
        return Verdict.proceed();
    }

    private void record(Exchange exchange, String phase, String code, String what) {
        LOG.info("shadow: policy {} on route {} would have refused request {} ({} phase, {}): {}",
                type, exchange.route().name(), exchange.requestId(), phase, code, what);
        Counter.builder("portcullis.policy.shadow_refusals")
                .description("Refusals a policy in shadow mode would have made")
                .tag("route", exchange.route().name())
                .tag("policy", type)
                .tag("code", code)
                .register(meters)
                .increment();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
