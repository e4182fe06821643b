package dev.portcullis.kernel.backend.http;

import dev.portcullis.upstream.UpstreamClient;
import dev.portcullis.upstream.UpstreamOptions;
import dev.portcullis.upstream.UpstreamRequest;
import dev.portcullis.upstream.UpstreamResponse;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Active health checks: the shared scheduler ticks, and each tick hands the blocking probe of
 * one target to a virtual thread (at most one probe per target at a time). Probes use their own
 * small client so they never take the proxy's pooled connections.
 */
final class HealthChecker implements AutoCloseable {

    private final HttpBackendConfig.HealthCheck config;
    private final UpstreamClient client;
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
    private volatile boolean closed;

    HealthChecker(HttpBackendConfig.HealthCheck config, SSLContext tls) {
        this.config = config;
        this.client = new UpstreamClient(new UpstreamOptions(
                config.timeout(), config.timeout(), config.timeout(), 1, config.interval().multipliedBy(2), null, tls));
    }

    void start(UpstreamTarget[] targets, ScheduledExecutorService scheduler) {
        long interval = config.interval().toMillis();
        for (UpstreamTarget t : targets) {
            AtomicBoolean running = new AtomicBoolean();
            ticks.add(scheduler.scheduleWithFixedDelay(() -> {
                if (!closed && running.compareAndSet(false, true)) {
                    Thread.ofVirtual().name("health-" + t.label).start(() -> {
                        try {
                            probe(t);
                        } finally {
                            running.set(false);
                        }
                    });
                }
            }, 0, interval, TimeUnit.MILLISECONDS));
        }
    }

    private void probe(UpstreamTarget t) {
        boolean ok;
        Headers headers = Headers.of("Host", t.hostHeader, "User-Agent", "portcullis-health-check");
        try (UpstreamResponse r = client.send(new UpstreamRequest("GET", t.origin, config.path(), headers, Body.empty()))) {
            ok = r.status() >= 200 && r.status() < 400;
            r.body().skip(64 * 1024); // small bodies are drained so the connection is reused
        } catch (Exception e) {
            ok = false;
        }
        if (!closed) {
            t.probed(ok, config.healthyThreshold(), config.unhealthyThreshold());
        }
    }

    @Override
    public void close() {
        closed = true;
        ticks.forEach(f -> f.cancel(false));
        client.close();
    }
}
