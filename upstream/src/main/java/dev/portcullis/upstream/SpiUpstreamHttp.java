package dev.portcullis.upstream;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.UpstreamHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The SPI's {@link UpstreamHttp} over an {@link UpstreamClient}: what the kernel (and the test
 * kit) hand a plugin from {@code PluginContext.upstreamHttp}. Replies are the client's own
 * {@link UpstreamResponse}s; the kernel's two timeout exceptions become the SPI's documented
 * {@link SocketTimeoutException}, other failures pass unchanged.
 */
public final class SpiUpstreamHttp implements UpstreamHttp {

    private static final Duration POOL_IDLE = Duration.ofSeconds(60);

    private final UpstreamClient client;
    private final ScheduledFuture<?> sweeper;

    /**
     * A client with its own pool; {@code scheduler}, if not null, sweeps expired idle connections
     * until {@link #close()}.
     */
    public SpiUpstreamHttp(UpstreamOptions options, ScheduledExecutorService scheduler) {
        this.client = new UpstreamClient(options);
        long sweep = Math.max(1000, options.poolIdleTimeout().toMillis() / 2);
        this.sweeper = scheduler == null ? null
                : scheduler.scheduleWithFixedDelay(client::evictIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** The client a plugin asked for: the JDK's default trust store for https. */
    public static SpiUpstreamHttp of(Options o, ScheduledExecutorService scheduler) {
        return new SpiUpstreamHttp(options(o, null), scheduler);
    }

    /** The kernel's options for the SPI's, with {@code tls} (null: the JDK default) for https. */
    public static UpstreamOptions options(Options o, javax.net.ssl.SSLContext tls) {
        return new UpstreamOptions(o.connectTimeout(), o.responseTimeout(), o.idleTimeout(), o.maxIdlePerOrigin(),
                POOL_IDLE, null, tls);
    }

    @Override
    public Reply send(String method, URI uri, Headers headers, Body body) throws IOException {
        Origin origin = Origin.of(uri);
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        String target = path == null || path.isEmpty() ? "/" : path;
        if (query != null) {
            target = target + '?' + query;
        }
        try {
            return client.send(new UpstreamRequest(method, origin, target, headers, body));
        } catch (UpstreamConnectTimeoutException | UpstreamResponseTimeoutException e) {
            SocketTimeoutException t = new SocketTimeoutException(origin + ": " + e.getMessage());
            t.initCause(e);
            throw t;
        }
    }

    /** Idle pooled connections to the origin of {@code uri} (tests). */
    public int idleConnections(URI uri) {
        return client.idleConnections(Origin.of(uri));
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        client.close();
    }
}
