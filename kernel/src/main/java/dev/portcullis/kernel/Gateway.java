package dev.portcullis.kernel;

import dev.portcullis.kernel.observe.AuditTrail;
import dev.portcullis.kernel.observe.Tracing;
import dev.portcullis.kernel.admin.AdminApi;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigErrorList;
import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.config.ConfigLoader;
import dev.portcullis.kernel.config.GatewayConfig;
import dev.portcullis.kernel.config.LoadedConfig;
import dev.portcullis.kernel.config.ServerConfig;
import dev.portcullis.kernel.observe.AccessLog;
import dev.portcullis.kernel.plugin.PluginRegistry;
import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.kernel.runtime.ConfigCompiler;
import dev.portcullis.kernel.runtime.ConfigHolder;
import dev.portcullis.kernel.server.CountingConnectionSelector;
import dev.portcullis.kernel.server.GatewayHandler;
import dev.portcullis.kernel.server.HeaderTimeout;
import dev.portcullis.kernel.server.ProblemDirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the listener, the admin listener, the current config and how it is replaced.
 * Build one with {@link #start(Options)}; {@link #close()} drains and stops it.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /**
     * How to start.
     *
     * @param configFile   the main YAML file
     * @param env          the environment for {@code ${VAR}} substitution
     * @param home         the distribution home: relative plugin folders resolve against it
     * @param portOverride if not null, listen on this port instead of the configured one (tests use 0)
     * @param adminPortOverride likewise for the admin listener
     */
    public record Options(Path configFile, Map<String, String> env, Path home, Integer portOverride, Integer adminPortOverride) {}

    /**
     * The answer to a reload.
     *
     * @param applied whether the new config is now serving
     * @param version the serving config's version
     * @param errors  why the new config was refused (empty when applied)
     */
    public record ReloadResult(boolean applied, long version, List<String> errors) {}

    private final Options options;
    private final PluginRegistry plugins;
    private final PrometheusMeterRegistry meters;
    private final ScheduledExecutorService scheduler;
    private final ConfigCompiler compiler;
    private final AuditTrail audit;
    private final Tracing tracing;
    private final ConfigHolder holder;
    private final AccessLog accessLog;
    private final GatewayHandler handler;
    private final WebServer server;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LoadedConfig loaded;
    private volatile boolean ready;
    private ConfigWatcher watcher;

    private Gateway(Options options, LoadedConfig loaded, GatewayConfig config, ConfigBinder binder,
            ConfigErrorList errors, PluginRegistry plugins) throws IOException {
        this.options = options;
        this.loaded = loaded;
        this.plugins = plugins;
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        this.scheduler = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("portcullis-scheduler").factory());
        this.audit = new AuditTrail(10_000, meters);
        this.compiler = new ConfigCompiler(plugins, meters, scheduler, audit);
        CompiledConfig compiled = compiler.compile(config, binder, errors, configDir(), null).config();
        this.holder = new ConfigHolder(compiled);
        ServerConfig sc = config.server();
        this.accessLog = !sc.accessLog().enabled() ? null
                : sc.accessLog().file() == null ? AccessLog.toStdout()
                : AccessLog.toFile(configDir().resolve(sc.accessLog().file()));
        this.tracing = Tracing.create(sc.tracing());
        this.handler = new GatewayHandler(holder, accessLog, meters, Clock.systemUTC(), tracing, audit,
                sc.limits().maxRequestBody().bytes());
        io.micrometer.core.instrument.Gauge.builder("portcullis.connections.open", openConnections, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Client connections open on the gateway listener").register(meters);
        this.server = buildServer(sc);
    }

    /**
     * Loads the config and the plugins, and starts listening.
     *
     * @throws ConfigInvalidException when the config is invalid (every error listed)
     */
    public static Gateway start(Options options) throws IOException {
        LoadedConfig loaded = new ConfigLoader(options.env()).load(options.configFile());
        ConfigBinder binder = new ConfigBinder(loaded.substitutedPaths());
        ConfigErrorList errors = new ConfigErrorList();
        GatewayConfig config = binder.bindGateway(loaded.tree(), errors);
        PluginRegistry plugins = PluginRegistry.load(resolvePluginsDir(options, config));
        Gateway g;
        try {
            g = new Gateway(options, loaded, config, binder, errors, plugins);
        } catch (RuntimeException | IOException e) {
            plugins.close();
            throw e;
        }
        g.server.start();
        g.ready = true;
        if (config.server().watchConfig()) {
            g.watcher = ConfigWatcher.start(options.configFile(), g::reloadFromWatcher);
        }
        LOG.info("Portcullis {} listening on http://{}:{} (admin http://{}:{}), {} routes, {} plugins",
                dev.portcullis.kernel.plugin.KernelVersion.get(), config.server().host(), g.port(),
                config.server().admin().host(), g.adminPort(), compiledRoutes(g), plugins.plugins().size());
        return g;
    }

    private static int compiledRoutes(Gateway g) {
        return g.holder.peek().routes().size();
    }

    /** Resolves the plugins folder against the distribution home. */
    static Path resolvePluginsDir(Options options, GatewayConfig config) {
        Path dir = Path.of(config.plugins().directory());
        if (!dir.isAbsolute() && options.home() != null) {
            dir = options.home().resolve(dir);
        }
        return dir;
    }

    private Path configDir() {
        Path parent = options.configFile().toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }

    private WebServer buildServer(ServerConfig sc) {
        int port = options.portOverride() != null ? options.portOverride() : sc.port();
        HeaderTimeout headerTimeout = new HeaderTimeout(sc.limits().headerTimeout());
        long sweep = headerTimeout.sweepPeriod().toMillis();
        scheduler.scheduleAtFixedRate(headerTimeout::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        io.micrometer.core.instrument.FunctionCounter.builder("portcullis.connections.header_timeouts", headerTimeout, HeaderTimeout::timedOut)
                .description("Connections closed because their request headers did not arrive in time").register(meters);
        Http1Config http1 = Http1Config.builder()
                .maxHeadersSize((int) sc.limits().maxHeaderSize().bytes())
                .maxPrologueLength((int) Math.min(sc.limits().maxHeaderSize().bytes(), 8192))
                .validatePath(false) // the gateway checks paths itself, with precise errors
                .addReceiveListener(headerTimeout)
                .build();
        Duration idle = sc.limits().idleTimeout();
        var builder = WebServer.builder()
                .host(sc.host())
                .port(port)
                .shutdownHook(false)
                // Helidon's message goes to ProblemDirectHandler only to classify the error (431, 414);
                // it is never echoed to the client
                .errorHandling(e -> e.includeEntity(true))
                .idleConnectionTimeout(idle)
                .idleConnectionPeriod(Duration.ofMillis(Math.max(1000, Math.min(15_000, idle.toMillis() / 4))))
                // Nagle + delayed ACK would hold back the small writes of streamed answers ~40 ms
                .connectionOptions(o -> o.tcpNoDelay(true))
                .shutdownGracePeriod(sc.shutdownGracePeriod())
                // the handler enforces limits.maxRequestBody itself, answering in the route's protocol
                .maxPayloadSize(-1)
                .directHandlers(d -> {
                    ProblemDirectHandler problems = new ProblemDirectHandler();
                    for (var type : io.helidon.http.DirectHandler.EventType.values()) {
                        d.addHandler(type, problems);
                    }
                })
                .protocolsDiscoverServices(false)
                .addConnectionSelector(new CountingConnectionSelector("@default", http1, openConnections, headerTimeout))
                .routing(r -> r.any(handler));
        if (sc.limits().maxConcurrentRequests() > 0) {
            builder.maxConcurrentRequests(sc.limits().maxConcurrentRequests());
        }
        if (sc.admin().enabled()) {
            int adminPort = options.adminPortOverride() != null ? options.adminPortOverride() : sc.admin().port();
            AdminApi admin = new AdminApi(this);
            builder.putSocket("admin", s -> s.host(sc.admin().host()).port(adminPort)
                    .connectionOptions(o -> o.tcpNoDelay(true)).routing(admin::routing));
        }
        return builder.build();
    }

    /** The gateway listener's port. */
    public int port() {
        return server.port();
    }

    /** The admin listener's port, or -1 when disabled. */
    public int adminPort() {
        return server.port("admin");
    }

    /** Whether the gateway is serving and not draining. */
    public boolean isReady() {
        return ready;
    }

    /** The config requests are served with now. */
    public CompiledConfig current() {
        return holder.peek();
    }

    /** The config as loaded (for the redacted admin view). */
    public LoadedConfig loaded() {
        return loaded;
    }

    /** The plugins. */
    public PluginRegistry plugins() {
        return plugins;
    }

    /** The metrics registry (scraped at {@code /metrics}). */
    /** The audit trail every layer records its decisions in. */
    public AuditTrail audit() {
        return audit;
    }

    /** The gateway's meters (exported on the admin port). */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Requests being served now. */
    public int activeRequests() {
        return handler.active();
    }

    /**
     * Reloads the config file: builds the new config completely, then swaps it in atomically.
     * Requests in flight finish on the old config. An invalid file changes nothing.
     */
    public ReloadResult reload() {
        return reload(false);
    }

    /**
     * Reloads; with {@code onlyIfChanged} an unchanged config is left running as it is, so a file
     * event that changed nothing (a touch, an editor's save of the same text, the event that
     * follows an API reload) does not reset backends' health, breakers and pools.
     */
    private ReloadResult reload(boolean onlyIfChanged) {
        reloadLock.lock();
        try {
            LoadedConfig next = new ConfigLoader(options.env()).load(options.configFile());
            if (onlyIfChanged && next.tree().equals(loaded.tree())) {
                LOG.debug("config files touched but unchanged: version {} stays", holder.peek().version());
                return new ReloadResult(true, holder.peek().version(), List.of());
            }
            ConfigBinder binder = new ConfigBinder(next.substitutedPaths());
            ConfigErrorList errors = new ConfigErrorList();
            GatewayConfig config = binder.bindGateway(next.tree(), errors);
            ConfigCompiler.Result result = compiler.compile(config, binder, errors, configDir(), holder.peek());
            warnAboutStaticChanges(holder.peek().source(), config);
            CompiledConfig previous = holder.peek();
            result.reused().forEach(previous.components()::handOver);
            holder.swap(result.config());
            loaded = next;
            LOG.info("config reloaded: version {}, {} routes", result.config().version(), result.config().routes().size());
            return new ReloadResult(true, result.config().version(), List.of());
        } catch (ConfigInvalidException e) {
            LOG.warn("config reload refused, the running config (version {}) stays:\n{}", holder.peek().version(), e.getMessage());
            return new ReloadResult(false, holder.peek().version(), e.lines());
        } catch (RuntimeException e) {
            LOG.warn("config reload failed, the running config stays: {}", e.toString());
            return new ReloadResult(false, holder.peek().version(), List.of(String.valueOf(e.getMessage())));
        } finally {
            reloadLock.unlock();
        }
    }

    private void reloadFromWatcher() {
        if (!closed.get()) {
            reload(true);
        }
    }

    private static void warnAboutStaticChanges(GatewayConfig running, GatewayConfig next) {
        ServerConfig a = running.server();
        ServerConfig b = next.server();
        if (!a.host().equals(b.host()) || !a.port().equals(b.port()) || !a.admin().equals(b.admin())
                || !a.limits().equals(b.limits()) || !running.plugins().equals(next.plugins())) {
            LOG.warn("listener, limits and plugin folder changes take effect at the next restart");
        }
    }

    /** Drains in-flight requests (up to the grace period) and stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready = false;
        if (watcher != null) {
            watcher.close();
        }
        LOG.info("stopping: draining {} in-flight requests", handler.active());
        server.stop();
        holder.retireCurrent();
        scheduler.shutdownNow();
        if (accessLog != null) {
            accessLog.close();
        }
        tracing.close();
        plugins.close();
        meters.close();
        LOG.info("stopped");
    }
}
