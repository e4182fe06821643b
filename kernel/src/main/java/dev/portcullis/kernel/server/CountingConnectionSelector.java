package dev.portcullis.kernel.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helidon's HTTP/1.1 connection selector, counting the connections it serves (Helidon has no
 * connection listener, and the number of open client connections is a basic gauge for operators)
 * registering each with the {@link HeaderTimeout} and making it known to {@link DisconnectWatchdog}.
 */
public final class CountingConnectionSelector implements ServerConnectionSelector {

    private final ServerConnectionSelector delegate;
    private final AtomicInteger open;
    private final HeaderTimeout headerTimeout;

    /**
     * The HTTP/1.1 selector for {@code http1} on listener {@code listener}, counting into
     * {@code open}; {@code http1} must have {@code headerTimeout} among its receive listeners.
     */
    public CountingConnectionSelector(String listener, Http1Config http1, AtomicInteger open, HeaderTimeout headerTimeout) {
        this.delegate = new Http1ConnectionProvider().create(listener, http1, ProtocolConfigs.create(List.of()));
        this.open = open;
        this.headerTimeout = headerTimeout;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return delegate.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return delegate.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return delegate.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        ServerConnection connection = delegate.connection(ctx);
        return new ServerConnection() {
            @Override
            public void handle(Semaphore requestSemaphore) throws InterruptedException {
                open.incrementAndGet();
                HeaderTimeout.Watched watched = headerTimeout.watch(ctx, connection);
                DisconnectWatchdog.enter(ctx);
                try {
                    connection.handle(requestSemaphore);
                } finally {
                    DisconnectWatchdog.exit();
                    headerTimeout.unwatch(watched);
                    open.decrementAndGet();
                }
            }

            @Override
            public void handle(Limit limit) throws InterruptedException {
                open.incrementAndGet();
                HeaderTimeout.Watched watched = headerTimeout.watch(ctx, connection);
                DisconnectWatchdog.enter(ctx);
                try {
                    connection.handle(limit);
                } finally {
                    DisconnectWatchdog.exit();
                    headerTimeout.unwatch(watched);
                    open.decrementAndGet();
                }
            }

            @Override
            public Duration idleTime() {
                return connection.idleTime();
            }

            @Override
            public void close(boolean interrupt) {
                connection.close(interrupt);
            }
        };
    }
}
