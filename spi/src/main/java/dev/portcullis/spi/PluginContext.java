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

    /**
     * A new client on the gateway's own HTTP/1.1 upstream stack (the one the {@code http}
     * backend proxies with), with its own connection pool. The caller owns it: close it in the
     * {@code close()} of whatever made it. See {@link UpstreamHttp} for threading, timeouts and
     * cancellation.
     *
     * @throws UnsupportedOperationException in a context that offers none
     */
    default UpstreamHttp upstreamHttp(UpstreamHttp.Options options) {
        throw new UnsupportedOperationException("this plugin context offers no upstream HTTP client");
    }

    /** The directory of the main config file, for resolving relative paths in config. */
    Path configDir();

    /**
     * The extensions of the SPI extension point {@code extensionPoint} provided by every loaded
     * plugin and by the class path, e.g. the {@link dev.portcullis.spi.llm.ProviderAdapter}s
     * that third-party plugins offer the {@code llm} backend. This is how plugins extend each
     * other: the plugin that owns the extension point asks for its extensions here, and decides
     * what a duplicate or clashing one means.
     *
     * <p>One instance per extension class, the same across config reloads. Calls into an
     * extension run on the caller's thread with the caller's context class loader: make the
     * extension's own ({@code getClass().getClassLoader()}) current around them if it may
     * matter.
     */
    default <T> java.util.List<T> extensions(Class<T> extensionPoint) {
        return java.util.List.of();
    }
}
