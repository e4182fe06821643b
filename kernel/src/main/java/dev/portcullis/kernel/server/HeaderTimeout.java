package dev.portcullis.kernel.server;

import dev.portcullis.kernel.chain.Problems;
import dev.portcullis.spi.Failure;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off clients that trickle their request headers (slowloris): once a request line has
 * arrived, its headers must be complete within the timeout, or the client gets a 408 and the
 * connection is closed. Helidon has no such deadline: its idle timeout only interrupts a
 * connection while it waits for a request line, so a client sending one header byte now and then
 * would hold its connection and virtual thread forever.
 *
 * <p>Helidon tells this listener when a request line and when the headers have been read; a
 * periodic {@link #sweep()} closes the connections whose headers are overdue. Both run for
 * connections registered by the {@link CountingConnectionSelector}.
 */
public final class HeaderTimeout implements Http1ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);
    private static final int IDLE = 0;
    private static final int READING_HEADERS = 1;
    private static final int TIMED_OUT = 2;

    /** One connection's state: only its own thread moves it into and out of reading headers. */
    static final class Watched {
        private final ConnectionContext ctx;
        private final ServerConnection connection;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile long deadline;

        private Watched(ConnectionContext ctx, ServerConnection connection) {
            this.ctx = ctx;
            this.connection = connection;
        }
    }

    private final long timeoutNanos;
    private final Duration timeout;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Watched> current = new ThreadLocal<>();
    private final byte[] timeoutResponse;
    private final java.util.concurrent.atomic.AtomicLong timedOut = new java.util.concurrent.atomic.AtomicLong();

    /** Headers must follow their request line within {@code timeout}. */
    public HeaderTimeout(Duration timeout) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        String body = Problems.json(Failure.of(408, "header-timeout", "Request Timeout",
                "the request headers did not arrive within " + timeout.toMillis() + " ms"), null, null);
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\nContent-Length: "
                + json.length + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        this.timeoutResponse = new byte[h.length + json.length];
        System.arraycopy(h, 0, timeoutResponse, 0, h.length);
        System.arraycopy(json, 0, timeoutResponse, h.length, json.length);
    }

    /** How often {@link #sweep()} should run: often enough that the deadline is kept to about a quarter. */
    public Duration sweepPeriod() {
        long millis = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
        return Duration.ofMillis(millis);
    }

    /** Starts watching the connection served on the calling thread; pair with {@link #unwatch}. */
    Watched watch(ConnectionContext ctx, ServerConnection connection) {
        Watched w = new Watched(ctx, connection);
        watched.add(w);
        current.set(w);
        return w;
    }

    /** Stops watching a connection that has ended. */
    void unwatch(Watched w) {
        watched.remove(w);
        current.remove();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Watched w = current.get();
        if (w != null) {
            w.deadline = System.nanoTime() + timeoutNanos;
            w.state.set(READING_HEADERS);
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        Watched w = current.get();
        if (w != null && !w.state.compareAndSet(READING_HEADERS, IDLE)) {
            // the sweeper already answered 408 and is closing: this request must not run
            throw new CloseConnectionException("request headers arrived after the header timeout");
        }
    }

    /** Answers 408 on, and closes, every connection whose headers are overdue. */
    public void sweep() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            if (w.state.get() == READING_HEADERS && now - w.deadline > 0
                    && w.state.compareAndSet(READING_HEADERS, TIMED_OUT)) {
                timedOut.incrementAndGet();
                try {
                    // a client that does not read could block the write: never on the sweeping thread
                    Thread.ofVirtual().name("portcullis-header-timeout").start(() -> cutOff(w));
                } catch (RuntimeException e) {
                    // a periodic task that throws is never run again
                    LOG.warn("could not cut off a slow client: {}", e.toString());
                }
            }
        }
    }

    private void cutOff(Watched w) {
        try {
            w.ctx.dataWriter().writeNow(BufferData.create(timeoutResponse));
        } catch (RuntimeException e) {
            LOG.debug("could not send 408 to a client whose headers timed out: {}", e.toString());
        }
        LOG.debug("closed a connection from {}: request headers not complete within {}", w.ctx.remotePeer().address(), timeout);
        w.connection.close(true);
    }

    /** Connections cut off so far. */
    public long timedOut() {
        return timedOut.get();
    }
}
