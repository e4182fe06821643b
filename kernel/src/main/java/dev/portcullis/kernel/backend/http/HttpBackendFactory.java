package dev.portcullis.kernel.backend.http;

import dev.portcullis.kernel.upstream.TlsTrust;
import dev.portcullis.kernel.upstream.UpstreamClient;
import dev.portcullis.kernel.upstream.UpstreamOptions;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.pf4j.Extension;

/** Creates {@code http} backends: reverse proxies with load balancing, retries and health checks. */
@Extension
public final class HttpBackendFactory implements BackendFactory<HttpBackendConfig> {

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
        return "Reverse proxy to HTTP/1.1 upstreams: load balancing, retries, active and passive health checks";
    }

    @Override
    public Backend create(HttpBackendConfig config, PluginContext context) {
        SSLContext tls = trust(config.tls(), context);
        MeterRegistry meters = context.meters();
        UpstreamTarget[] targets = new UpstreamTarget[config.targets().size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = new UpstreamTarget(i, config.targets().get(i), config.addPrefix(), config.passive(), meters);
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

        List<Gauge> gauges = new ArrayList<>(targets.length);
        for (UpstreamTarget target : targets) {
            gauges.add(healthGauge(meters, target));
        }
        Runnable onClose = () -> {
            sweeper.cancel(false);
            for (Gauge g : gauges) {
                // a newer backend for the same target may have taken the gauge over: leave it
                if (meters.find(g.getId().getName()).tags(g.getId().getTags()).gauge() == g) {
                    meters.remove(g);
                }
            }
        };
        return new HttpBackend(config, targets, client, health, onClose);
    }

    /**
     * Registers {@code portcullis.upstream.healthy} for {@code target}, replacing one left by the
     * config this one replaces (gauges are keyed by name and tags; the newest backend owns it).
     */
    private static Gauge healthGauge(MeterRegistry meters, UpstreamTarget target) {
        Gauge old = meters.find("portcullis.upstream.healthy").tag("target", target.url).gauge();
        if (old != null) {
            meters.remove((Meter) old);
        }
        return Gauge.builder("portcullis.upstream.healthy", target, t -> t.available(System.nanoTime()) ? 1 : 0)
                .description("1 when the target takes traffic (healthy and not ejected), else 0")
                .tag("target", target.url)
                .strongReference(true)
                .register(meters);
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
