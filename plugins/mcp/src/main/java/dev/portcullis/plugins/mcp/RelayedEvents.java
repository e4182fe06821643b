package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * One upstream's event stream relayed to the client as it arrives. Server-to-client request ids
 * are rewritten ({@link ServerRequests}); an upstream event id is relayed as a gateway id naming
 * the server ({@link EventIds}), or raw for {@link MergedEvents} to combine; data-less priming
 * events are skipped.
 */
final class RelayedEvents implements EventSource {

    private final String server;
    private final Upstream.Reply reply;
    private final SseReader reader;
    private final UnaryOperator<String> transform;
    private final boolean gatewayIds;

    /** A stream answering a POST (or resuming one): ids become {@code p.} gateway ids. */
    RelayedEvents(String server, Upstream.Reply reply, int maxEvent) {
        this(server, reply, maxEvent, null, true);
    }

    /**
     * {@code transform}, when given, may rewrite each event's data (e.g. screen a tool result);
     * {@code gatewayIds}: whether upstream ids become {@code p.} gateway ids, or pass raw.
     */
    RelayedEvents(String server, Upstream.Reply reply, int maxEvent, UnaryOperator<String> transform, boolean gatewayIds) {
        this.server = server;
        this.reply = reply;
        this.reader = new SseReader(reply.body(), maxEvent);
        this.transform = transform;
        this.gatewayIds = gatewayIds;
    }

    String server() {
        return server;
    }

    @Override
    public SseEvent next() throws IOException {
        while (true) {
            SseEvent e = reader.next();
            if (e == null) {
                return null;
            }
            if (e.data() == null || e.data().isBlank()) {
                continue;
            }
            String data = ServerRequests.outbound(server, e.data());
            String id = e.id() == null || e.id().isEmpty() ? null : gatewayIds ? EventIds.post(server, e.id()) : e.id();
            return new SseEvent(e.event(), transform == null ? data : transform.apply(data), id, null);
        }
    }

    @Override
    public void close() {
        reply.close();
    }
}
