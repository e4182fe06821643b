package dev.portcullis.kernel.backend.http;

import dev.portcullis.upstream.TlsTrust;
import dev.portcullis.upstream.UpstreamClient;
import dev.portcullis.upstream.UpstreamOptions;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import javax.net.ssl.SSLContext;
import org.pf4j.Extension;

/** Creates {@code http} backends: reverse proxies with load balancing, retries and health checks. */
@Extension
public final class HttpBackendFactory implements BackendFactory<HttpBackendConfig> {

    /**
     * The gauge registered for each (registry, name, target), so that a newer backend for the same
     * target can take it over and a closing backend can remove only its own: Micrometer's
     * {@code find} is a linear search of every meter, which made compiling N routes O(N²)
     * (10,000 routes: minutes). Entries leave with the backend that owns them.
     */
    private static final ConcurrentHashMap<GaugeKey, Gauge> GAUGES = new ConcurrentHashMap<>();

    /** A target's gauge in one registry (registries compare by identity). */
    private record GaugeKey(MeterRegistry registry, String name, String target) {}

    private final LongSupplier nanoClock;

    /** The factory PF4J creates: real time. */
    public HttpBackendFactory() {
        this(System::nanoTime);
    }

    /** A factory whose backends read time from {@code nanoClock} (tests move it by hand). */
    HttpBackendFactory(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Class<HttpBackendConfig> configType() {
        return HttpBackendConfig.class;
    }

    @Override
    public String description() {
        return "Reverse proxy to HTTP/1.1 upstreams: load balancing, retries, health checks, circuit breakers";
    }

    @Override
    public Backend create(HttpBackendConfig config, PluginContext context) {
        SSLContext tls = trust(config.tls(), context);
        MeterRegistry meters = context.meters();
        CircuitBreaker.Settings breaker = CircuitBreaker.Settings.of(config);
        UpstreamTarget[] targets = new UpstreamTarget[config.targets().size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = new UpstreamTarget(i, config.targets().get(i), config.addPrefix(), breaker, meters);
        }
        HttpBackendConfig.Timeouts t = config.timeouts();
        HttpBackendConfig.Pool pool = config.pool();
        UpstreamClient client = new UpstreamClient(new UpstreamOptions(
                t.connect(), t.response(), t.idle(), pool.maxIdlePerTarget(), pool.idleTimeout(), null, tls));

        HealthChecker health = null;
        if (config.healthCheck() != null) {
            health = new HealthChecker(config.healthCheck(), tls);
            health.start(targets, context.scheduler());
        }
        long sweep = Math.max(1000, pool.idleTimeout().toMillis() / 2);
        ScheduledFuture<?> sweeper = context.scheduler()
                .scheduleWithFixedDelay(client::evictIdle, sweep, sweep, TimeUnit.MILLISECONDS);

        List<Map.Entry<GaugeKey, Gauge>> gauges = new ArrayList<>(targets.length * 2);
        for (UpstreamTarget target : targets) {
            gauges.add(gauge(meters, "portcullis.upstream.healthy", target, u -> u.available(nanoClock.getAsLong()) ? 1 : 0,
                    "1 when the target takes traffic (healthy and its circuit not open), else 0"));
            if (breaker.enabled()) {
                gauges.add(gauge(meters, "portcullis.upstream.circuit_state", target, u -> u.breaker.state().ordinal(),
                        "Circuit breaker state: 0 closed, 1 half-open, 2 open"));
            }
        }
        Runnable onClose = () -> {
            sweeper.cancel(false);
            synchronized (GAUGES) {
                for (Map.Entry<GaugeKey, Gauge> g : gauges) {
                    // a newer backend for the same target may have taken the gauge over: leave it
                    // (by identity: meters are equal when their ids are)
                    if (GAUGES.get(g.getKey()) == g.getValue()) {
                        GAUGES.remove(g.getKey());
                        meters.remove(g.getValue());
                    }
                }
            }
        };
        return new HttpBackend(config, targets, client, health, onClose, nanoClock);
    }

    /**
     * Registers gauge {@code name} for {@code target}, replacing one left by the config this one
     * replaces (gauges are keyed by name and tags; the newest backend owns it).
     */
    private static Map.Entry<GaugeKey, Gauge> gauge(MeterRegistry meters, String name, UpstreamTarget target,
            ToDoubleFunction<UpstreamTarget> value, String description) {
        GaugeKey key = new GaugeKey(meters, name, target.url);
        synchronized (GAUGES) { // replace-and-register is one step for concurrent compiles (tests); never on the request path
            // by id, not by search: a map lookup in the registry
            meters.remove(new Meter.Id(name, Tags.of("target", target.url), null, description, Meter.Type.GAUGE));
            Gauge g = Gauge.builder(name, target, value)
                    .description(description)
                    .tag("target", target.url)
                    .strongReference(true)
                    .register(meters);
            GAUGES.put(key, g);
            return Map.entry(key, g);
        }
    }

    private static SSLContext trust(HttpBackendConfig.Tls tls, PluginContext context) {
        if (tls.caFile() == null) {
            return null;
        }
        Path file = Path.of(tls.caFile());
        if (!file.isAbsolute() && context.configDir() != null) {
            file = context.configDir().resolve(file);
        }
        try {
            return TlsTrust.trusting(file);
        } catch (IOException e) {
            throw new ConfigException("tls.caFile", e.getMessage());
        }
    }
}
