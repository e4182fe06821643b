package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;

/**
 * One upstream's event stream relayed to the client as it arrives. Server-to-client request ids
 * are rewritten ({@link ServerRequests}); upstream event ids are dropped, since they only make
 * sense to that upstream (resumption through the gateway is not offered); data-less priming
 * events are skipped.
 */
final class RelayedEvents implements EventSource {

    private final String server;
    private final Upstream.Reply reply;
    private final SseReader reader;

    RelayedEvents(String server, Upstream.Reply reply, int maxEvent) {
        this.server = server;
        this.reply = reply;
        this.reader = new SseReader(reply.body(), maxEvent);
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
            return new SseEvent(e.event(), ServerRequests.outbound(server, e.data()), null, null);
        }
    }

    @Override
    public void close() {
        reply.close();
    }
}
