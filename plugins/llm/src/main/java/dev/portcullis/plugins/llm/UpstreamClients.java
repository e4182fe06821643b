package dev.portcullis.plugins.llm;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The JDK HTTP clients a backend calls its providers with. Each runs its internal tasks on its
 * own selector thread ({@code executor(Runnable::run)}) instead of handing every step of every
 * exchange to another thread: the profile of a chat call showed the JDK client's default
 * hand-offs (a task per response stage, each waking the selector) as the largest CPU cost of the
 * AI gate, and running them inline cut the gateway's CPU per call by about a third (see
 * docs/benchmarks.md). Safe because the only body handler used is
 * {@code BodyHandlers.ofInputStream()}, whose subscriber never blocks (it offers buffers
 * lock-step with demand; the reading happens on the request's own virtual thread), and no other
 * callbacks are registered. One selector thread parses every response of its client, so there
 * is one client per two processors (at least one, at most eight), picked at random per call.
 */
final class UpstreamClients implements AutoCloseable {

    private static final Executor INLINE = Runnable::run;

    private final HttpClient[] clients;

    UpstreamClients(Duration connectTimeout) {
        this(connectTimeout, Math.clamp(Runtime.getRuntime().availableProcessors() / 2, 1, 8));
    }

    UpstreamClients(Duration connectTimeout, int count) {
        clients = new HttpClient[count];
        for (int i = 0; i < count; i++) {
            clients[i] = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(INLINE)
                    .build();
        }
    }

    /** A client for one call. */
    HttpClient pick() {
        return clients.length == 1 ? clients[0] : clients[ThreadLocalRandom.current().nextInt(clients.length)];
    }

    /** Graceful: calls in flight (streams still being served by a retired config) run to their end. */
    @Override
    public void close() {
        for (HttpClient c : clients) {
            c.shutdown();
        }
    }
}
