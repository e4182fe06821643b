package dev.portcullis.testkit;

import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.UpstreamHttp;
import dev.portcullis.upstream.SpiUpstreamHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link PluginContext} for calling a factory's {@code create} in a test: components and
 * consumers the test declares, a {@link SimpleMeterRegistry} to read metrics back from, and a
 * real scheduler.
 *
 * <pre>{@code
 * try (TestPluginContext context = new TestPluginContext()
 *         .withConsumers(new Consumer("support-agent", Map.of("team", "support"), List.of(key)))
 *         .withStore("default", store)) {
 *     Policy policy = new MyPolicyFactory().create(config, context);
 *     ...
 *     assertThat(context.meters().get("my.counter").counter().count()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Components are found by interface and name, as in the kernel. Unlike the kernel there is no
 * built-in {@code default} store: declare the one the code under test uses with
 * {@link #withStore}. The scheduler is made on first use (one daemon thread) and stopped by
 * {@link #close()}. {@link #upstreamHttp} hands out the gateway's real upstream client, so a
 * backend under test calls real servers on loopback; {@link #close()} closes those clients too.
 */
public final class TestPluginContext implements PluginContext, AutoCloseable {

    private record Key(Class<?> type, String name) {}

    private final Map<Key, Object> components = new HashMap<>();
    private final Map<Class<?>, List<Object>> extensions = new HashMap<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AuditEvent> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
    private List<Consumer> consumers = List.of();
    private Path configDir = Path.of("").toAbsolutePath();
    private ScheduledExecutorService scheduler;
    private final List<UpstreamHttp> clients = new java.util.ArrayList<>();

    /** Declares {@code component} under {@code name}, found through interface {@code type}. */
    public <T> TestPluginContext withComponent(Class<T> type, String name, T component) {
        components.put(new Key(type, name), type.cast(component));
        return this;
    }

    /** Declares a state store named {@code name} (e.g. {@code default}). */
    public TestPluginContext withStore(String name, StateStore store) {
        return withComponent(StateStore.class, name, store);
    }

    /** Sets the configured consumers. */
    public TestPluginContext withConsumers(List<Consumer> consumers) {
        this.consumers = List.copyOf(consumers);
        return this;
    }

    /** Sets the configured consumers. */
    public TestPluginContext withConsumers(Consumer... consumers) {
        return withConsumers(List.of(consumers));
    }

    /**
     * Adds {@code extension} to what {@link #extensions} returns for {@code extensionPoint}, as
     * if a loaded plugin provided it (e.g. a {@code ProviderAdapter} for the {@code llm} backend).
     */
    public <T> TestPluginContext withExtension(Class<T> extensionPoint, T extension) {
        extensions.computeIfAbsent(extensionPoint, k -> new java.util.ArrayList<>()).add(extensionPoint.cast(extension));
        return this;
    }

    /** Sets the directory relative config paths resolve against (default: the working directory). */
    public TestPluginContext withConfigDir(Path configDir) {
        this.configDir = configDir;
        return this;
    }

    /**
     * The component of {@code type} named {@code name}.
     *
     * @throws ConfigException if the test declared none
     */
    @Override
    public <T> T component(Class<T> type, String name) {
        return findComponent(type, name).orElseThrow(() -> new ConfigException(
                "no " + type.getSimpleName() + " named '" + name + "' is declared"));
    }

    @Override
    public <T> Optional<T> findComponent(Class<T> type, String name) {
        return Optional.ofNullable(type.cast(components.get(new Key(type, name))));
    }

    @Override
    public List<Consumer> consumers() {
        return consumers;
    }

    /** The registry factories register their meters in; read it back in assertions. */
    @Override
    public SimpleMeterRegistry meters() {
        return meters;
    }

    @Override
    public synchronized ScheduledExecutorService scheduler() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("testkit-scheduler").factory());
        }
        return scheduler;
    }

    /** The gateway's own upstream client, as the kernel hands it out. */
    @Override
    public synchronized UpstreamHttp upstreamHttp(UpstreamHttp.Options options) {
        UpstreamHttp client = SpiUpstreamHttp.of(options, scheduler());
        clients.add(client);
        return client;
    }

    @Override
    public AuditLog audit() {
        return audited::add;
    }

    /** The audit events recorded so far, oldest first. */
    public List<AuditEvent> audited() {
        return List.copyOf(audited);
    }

    @Override
    public Path configDir() {
        return configDir;
    }

    /** The extensions the test added with {@link #withExtension}, in that order. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> extensions(Class<T> extensionPoint) {
        return (List<T>) List.copyOf(extensions.getOrDefault(extensionPoint, List.of()));
    }

    /** Closes the upstream clients handed out and stops the scheduler, if one was made; scheduled work is cancelled. */
    @Override
    public synchronized void close() {
        clients.forEach(UpstreamHttp::close);
        clients.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
