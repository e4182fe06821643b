package dev.portcullis.benchmarks;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.UpstreamHttp;
import dev.portcullis.upstream.SpiUpstreamHttp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@link PluginContext} the benchmarks hand to factories, standing in for the kernel's (which
 * is built by the config compiler): named components registered by the benchmark, the given
 * consumers, a Prometheus registry as the gateway uses, a daemon scheduler, and the kernel's
 * upstream client.
 */
public final class BenchContext implements PluginContext, AutoCloseable {

    private final Map<String, Object> components = new HashMap<>();
    private final List<Consumer> consumers;
    private final MeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bench-scheduler").factory());

    /** A context with these consumers and no components yet. */
    public BenchContext(List<Consumer> consumers) {
        this.consumers = List.copyOf(consumers);
    }

    /** A context without consumers. */
    public BenchContext() {
        this(List.of());
    }

    /** Registers {@code component} under {@code name} (e.g. a store under {@code default}). */
    public BenchContext with(String name, Object component) {
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
        return consumers;
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
    public UpstreamHttp upstreamHttp(UpstreamHttp.Options options) {
        return SpiUpstreamHttp.of(options, scheduler);
    }

    @Override
    public Path configDir() {
        return Path.of(".");
    }

    /** Stops the scheduler. Components are the benchmark's to close. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
