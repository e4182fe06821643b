package dev.portcullis.kernel.support;

import dev.portcullis.spi.AdminEndpoint;
import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.pf4j.Extension;

/**
 * Policies that make the chain's behaviour visible over HTTP, for the kernel's own tests. Their
 * types start with {@code test-} so they never collide with real plugins on a shared class path.
 */
public final class TestPolicies {

    private TestPolicies() {}

    /** Config of {@code test-mark}. */
    public record MarkConfig(String name) {}

    /**
     * {@code test-mark}: appends its name to the request header {@code X-Marks} and, in the
     * response phase, to the response header {@code X-Marks}, so order is observable.
     */
    @Extension
    public static final class Mark implements PolicyFactory<MarkConfig> {
        @Override
        public String type() {
            return "test-mark";
        }

        @Override
        public Class<MarkConfig> configType() {
            return MarkConfig.class;
        }

        @Override
        public Policy create(MarkConfig config, PluginContext context) {
            return new Policy() {
                @Override
                public Verdict onRequest(Exchange ex) {
                    ex.request().headers().add("X-Marks", config.name());
                    return Verdict.proceed();
                }

                @Override
                public Verdict onResponse(Exchange ex) {
                    ex.response().headers().add("X-Marks", config.name());
                    return Verdict.proceed();
                }
            };
        }
    }

    /** Config of {@code test-reject}. */
    public record RejectConfig(int status, String code) {}

    /** {@code test-reject}: refuses every request with the configured status and code. */
    @Extension
    public static final class Reject implements PolicyFactory<RejectConfig> {
        @Override
        public String type() {
            return "test-reject";
        }

        @Override
        public Class<RejectConfig> configType() {
            return RejectConfig.class;
        }

        @Override
        public Policy create(RejectConfig config, PluginContext context) {
            return new Policy() {
                @Override
                public Verdict onRequest(Exchange ex) {
                    return Verdict.reject(config.status(), config.code(), "Refused by test", "test-reject said no");
                }
            };
        }
    }

    /** Config of {@code test-upper} (none). */
    public record Empty() {}

    /** {@code test-upper}: upper-cases the data of every server-sent event, and adds a final event. */
    @Extension
    public static final class Upper implements PolicyFactory<Empty> {
        @Override
        public String type() {
            return "test-upper";
        }

        @Override
        public Class<Empty> configType() {
            return Empty.class;
        }

        @Override
        public Policy create(Empty config, PluginContext context) {
            return new Policy() {
                @Override
                public StreamHook onStream(Exchange ex) {
                    return new StreamHook() {
                        @Override
                        public void onEvent(SseEvent e, EventSink down) throws IOException {
                            down.emit(new SseEvent(e.event(), e.data() == null ? null : e.data().toUpperCase(Locale.ROOT), e.id(), e.comment()));
                        }

                        @Override
                        public void onEnd(EventSink down) throws IOException {
                            down.emit(SseEvent.of("done", "[END]"));
                        }
                    };
                }
            };
        }
    }

    /** {@code test-boom}: throws from its request phase, like a buggy plugin. */
    @Extension
    public static final class Boom implements PolicyFactory<Empty> {
        @Override
        public String type() {
            return "test-boom";
        }

        @Override
        public Class<Empty> configType() {
            return Empty.class;
        }

        @Override
        public Policy create(Empty config, PluginContext context) {
            return new Policy() {
                @Override
                public Verdict onRequest(Exchange ex) {
                    throw new IllegalStateException("boom (secret detail that must not reach the client)");
                }
            };
        }
    }

    /** {@code test-boom-late}: lets requests through, then throws from its response phase and on every event. */
    @Extension
    public static final class BoomLate implements PolicyFactory<Empty> {
        @Override
        public String type() {
            return "test-boom-late";
        }

        @Override
        public Class<Empty> configType() {
            return Empty.class;
        }

        @Override
        public Policy create(Empty config, PluginContext context) {
            return new Policy() {
                @Override
                public Verdict onResponse(Exchange ex) {
                    if (ex.response().isEventStream()) {
                        return Verdict.proceed(); // the stream hook throws instead
                    }
                    throw new IllegalStateException("late boom (secret detail that must not reach the client)");
                }

                @Override
                public StreamHook onStream(Exchange ex) {
                    return (event, down) -> {
                        throw new IllegalStateException("stream boom (secret detail that must not reach the client)");
                    };
                }
            };
        }
    }

    /**
     * {@code test-audit}: counts requests, records an audit event for each (with the correlation
     * id), and offers an admin endpoint {@code counter}: GET reads the count, POST /reset zeroes it.
     */
    @Extension
    public static final class Audit implements PolicyFactory<Empty> {
        @Override
        public String type() {
            return "test-audit";
        }

        @Override
        public Class<Empty> configType() {
            return Empty.class;
        }

        @Override
        public Policy create(Empty config, PluginContext context) {
            return new CountingPolicy(context.audit());
        }
    }

    private static final class CountingPolicy implements Policy, AdminEndpoint {
        private final AuditLog audit;
        private final AtomicLong count = new AtomicLong();

        CountingPolicy(AuditLog audit) {
            this.audit = audit;
        }

        @Override
        public Verdict onRequest(Exchange ex) {
            count.incrementAndGet();
            ex.request().headers().set("X-Seen-Correlation", ex.correlationId());
            try (var span = ex.startSpan("test.child")) {
                span.attribute("test.count", count.get());
            }
            audit.record(AuditEvent.of(ex, "api", "test.count", "allow", "test-audit", "counted", Map.of("n", "1")));
            return Verdict.proceed();
        }

        @Override
        public String adminEndpointName() {
            return "counter";
        }

        @Override
        public Response handleAdmin(AdminRequest request) {
            if (request.method().equals("GET") && request.path().isEmpty()) {
                return Response.json(200, "{\"count\":" + count.get() + "}");
            }
            if (request.method().equals("POST") && request.segments().equals(List.of("reset"))) {
                count.set(0);
                return Response.json(200, "{\"count\":0,\"body\":" + request.body().length + "}");
            }
            return Response.json(404, "{\"error\":\"no such counter action\"}");
        }
    }
}
