package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * The answer to a JSON-RPC batch as one event stream: the requests are handled one after another
 * and each one's messages (its progress notifications, then its response) are sent as separate
 * events as soon as they exist.
 */
final class BatchEvents implements EventSource {

    private final Iterator<JsonNode> requests;
    private final Function<JsonNode, Outcome> handler;
    private final int maxMessage;
    private EventSource current;

    BatchEvents(List<JsonNode> requests, Function<JsonNode, Outcome> handler, int maxMessage) {
        this.requests = requests.iterator();
        this.handler = handler;
        this.maxMessage = maxMessage;
    }

    @Override
    public SseEvent next() throws IOException {
        while (true) {
            if (current != null) {
                SseEvent e = current.next();
                if (e != null) {
                    return e;
                }
                current.close();
                current = null;
            }
            if (!requests.hasNext()) {
                return null;
            }
            switch (handler.apply(requests.next())) {
                case Outcome.Json j -> {
                    return SseEvent.of("message", j.message().toString());
                }
                case Outcome.Passthrough p -> {
                    try (Upstream.Reply r = p.reply()) {
                        byte[] body = Body.read(r.body(), maxMessage + 1);
                        if (body.length > maxMessage) {
                            throw new IOException("upstream answer exceeds " + maxMessage + " bytes");
                        }
                        return SseEvent.of("message", new String(body, StandardCharsets.UTF_8).strip());
                    }
                }
                case Outcome.Events ev -> current = ev.events();
            }
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
