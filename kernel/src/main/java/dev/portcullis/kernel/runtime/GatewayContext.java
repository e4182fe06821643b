package dev.portcullis.kernel.runtime;

import dev.portcullis.kernel.plugin.PluginRegistry;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.UpstreamHttp;
import dev.portcullis.upstream.SpiUpstreamHttp;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** The kernel's {@link PluginContext} for one config build. */
final class GatewayContext implements PluginContext {

    private final Components components;
    private final List<Consumer> consumers;
    private final MeterRegistry meters;
    private final ScheduledExecutorService scheduler;
    private final Path configDir;
    private final AuditLog audit;
    private final PluginRegistry plugins;

    GatewayContext(Components components, List<Consumer> consumers, MeterRegistry meters,
            ScheduledExecutorService scheduler, Path configDir, AuditLog audit, PluginRegistry plugins) {
        this.audit = audit;
        this.plugins = plugins;
        this.components = components;
        this.consumers = consumers;
        this.meters = meters;
        this.scheduler = scheduler;
        this.configDir = configDir;
    }

    @Override
    public <T> T component(Class<T> type, String name) {
        return components.find(type, name).orElseThrow(() -> new ConfigException(
                "no " + type.getSimpleName() + " named '" + name + "' is declared"));
    }

    @Override
    public <T> Optional<T> findComponent(Class<T> type, String name) {
        return components.find(type, name);
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
    public AuditLog audit() {
        return audit;
    }

    /**
     * The kernel's own client (the {@code http} backend's), pool swept on the shared scheduler.
     * The plugin owns it: its backend, policy or component closes it when the config retires.
     */
    @Override
    public UpstreamHttp upstreamHttp(UpstreamHttp.Options options) {
        return SpiUpstreamHttp.of(options, scheduler);
    }

    @Override
    public Path configDir() {
        return configDir;
    }

    @Override
    public <T> List<T> extensions(Class<T> extensionPoint) {
        return plugins.extensions(extensionPoint);
    }
}
