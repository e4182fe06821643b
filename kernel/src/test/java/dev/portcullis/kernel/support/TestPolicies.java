package dev.portcullis.kernel.support;

import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StreamHook;
import dev.portcullis.spi.Verdict;
import java.io.IOException;
import java.util.Locale;
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
}
