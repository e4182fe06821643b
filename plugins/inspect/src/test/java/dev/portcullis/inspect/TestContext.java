package dev.portcullis.inspect;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.PluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** A plugin context with a real in-memory meter registry and nothing else. */
final class TestContext implements PluginContext {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

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
        throw new UnsupportedOperationException();
    }

    @Override
    public Path configDir() {
        return Path.of(".");
    }
}
