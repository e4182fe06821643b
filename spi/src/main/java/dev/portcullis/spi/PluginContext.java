package dev.portcullis.spi;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the kernel offers a factory while it builds policies and backends: named shared
 * components, consumers, metrics and a scheduler. Plugins share components through the kernel,
 * never through each other.
 */
public interface PluginContext {

    /**
     * The component named {@code name} of interface {@code type}.
     *
     * @throws ConfigException if there is none
     */
    <T> T component(Class<T> type, String name);

    /** The component named {@code name} of interface {@code type}, if declared. */
    <T> Optional<T> findComponent(Class<T> type, String name);

    /** The state store named {@code name}; {@code default} always exists (local unless configured). */
    default StateStore store(String name) {
        return component(StateStore.class, name);
    }

    /** The configured consumers. */
    java.util.List<Consumer> consumers();

    /** The gateway's meter registry (exported as Prometheus text on the admin port). */
    MeterRegistry meters();

    /** A shared scheduler for periodic work (health checks, refreshes); runs tasks briefly. */
    ScheduledExecutorService scheduler();

    /** The gateway's audit log, which every layer's decisions go to. */
    default AuditLog audit() {
        return AuditLog.discarding();
    }

    /** The directory of the main config file, for resolving relative paths in config. */
    Path configDir();
}
