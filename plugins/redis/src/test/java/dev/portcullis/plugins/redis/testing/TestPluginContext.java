package dev.portcullis.plugins.redis.testing;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.PluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A plugin context with named components registered by the test and a simple meter registry. */
public final class TestPluginContext implements PluginContext {

    private final Map<String, Object> components = new HashMap<>();
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("test-scheduler").factory());

    /** Registers {@code component} under {@code name}. */
    public TestPluginContext with(String name, Object component) {
        components.put(name, component);
        return this;
    }

    @Override
    public <T> T component(Class<T> type, String name) {
        return findComponent(type, name).orElseThrow(() -> new ConfigException("no " + type.getSimpleName() + " named '" + name + "'"));
    }

    @Override
    public <T> Optional<T> findComponent(Class<T> type, String name) {
        Object c = components.get(name);
        return type.isInstance(c) ? Optional.of(type.cast(c)) : Optional.empty();
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
}
