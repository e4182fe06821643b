package dev.portcullis.kernel.backend.http;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.PluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A plugin context with a simple meter registry and a real scheduler. */
final class TestContext implements PluginContext, AutoCloseable {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @Override
    public <T> T component(Class<T> type, String name) {
        throw new ConfigException("no component " + name);
    }

    @Override
    public <T> Optional<T> findComponent(Class<T> type, String name) {
        return Optional.empty();
    }

    @Override
    public List<Consumer> consumers() {
        return List.of();
    }

    @Override
    public MeterRegistry meters() {
        return meters;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Path configDir() {
        return Path.of(".");
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** Collects {@code path: message} lines. */
    static final class Errors implements ConfigErrors {
        final List<String> lines;
        private final String prefix;

        Errors() {
            this(new ArrayList<>(), "");
        }

        private Errors(List<String> lines, String prefix) {
            this.lines = lines;
            this.prefix = prefix;
        }

        @Override
        public void add(String path, String message) {
            String full = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
            lines.add(full + ": " + message);
        }

        @Override
        public ConfigErrors at(String path) {
            return new Errors(lines, prefix.isEmpty() ? path : prefix + "." + path);
        }
    }
}
