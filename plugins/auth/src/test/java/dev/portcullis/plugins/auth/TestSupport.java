package dev.portcullis.plugins.auth;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Validatable;
import dev.portcullis.spi.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Small real implementations of kernel-provided SPI types for unit tests. */
final class TestSupport {

    private TestSupport() {}

    /** A clock tests move forward by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The errors a config reports, as "path: message" lines. */
    static List<String> errorsOf(Validatable config) {
        List<String> out = new ArrayList<>();
        config.validate(new Errors("", out));
        return out;
    }

    private record Errors(String prefix, List<String> out) implements ConfigErrors {
        @Override
        public void add(String path, String message) {
            String full = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
            out.add(full + ": " + message);
        }

        @Override
        public ConfigErrors at(String path) {
            return new Errors(prefix.isEmpty() ? path : prefix + "." + path, out);
        }
    }

    /** The failure of a rejecting verdict (fails the test for any other verdict). */
    static Failure failureOf(Verdict verdict) {
        if (verdict instanceof Verdict.Reject r) {
            return r.failure();
        }
        throw new AssertionError("expected a rejection, got " + verdict);
    }

    /** A plugin context with the given consumers. */
    static PluginContext context(List<Consumer> consumers) {
        return new PluginContext() {
            @Override
            public <T> T component(Class<T> type, String name) {
                throw new dev.portcullis.spi.ConfigException("no component " + name);
            }

            @Override
            public <T> Optional<T> findComponent(Class<T> type, String name) {
                return Optional.empty();
            }

            @Override
            public List<Consumer> consumers() {
                return consumers;
            }

            @Override
            public MeterRegistry meters() {
                return new SimpleMeterRegistry();
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return Executors.newSingleThreadScheduledExecutor();
            }

            @Override
            public Path configDir() {
                return Path.of(".");
            }
        };
    }
}
