package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stream of one {@code subscriptions/listen} request (protocol 2026-07-28): the
 * acknowledgment first, then only the change notifications the client opted in to, taken from the
 * upstreams' server-initiated streams of a session opened for this subscription alone and tagged
 * with the subscription id. A comment is sent when nothing happened for a while, which keeps
 * intermediaries from closing the stream and lets the gateway notice a client that left.
 */
final class ListenEvents implements EventSource {

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(25);
    private static final SseEvent END = new SseEvent(null, null, null, "end");

    private final SseEvent acknowledgment;
    private final java.util.function.Supplier<EventSource> opener;
    private volatile EventSource upstream;
    private final JsonNode subscriptionId;
    private final boolean tools;
    private final boolean prompts;
    private final boolean resources;
    private final Set<String> uris;
    private final Runnable onClose;
    private final BlockingQueue<SseEvent> queue = new ArrayBlockingQueue<>(64);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;
    private boolean acknowledged;
    private boolean ended;

    /**
     * @param acknowledgment {@code notifications/subscriptions/acknowledged}, already tagged
     * @param opener         opens the merged upstream streams (null when none offers one), called on
     *                       the subscription's own thread so the client gets its acknowledgment at once;
     *                       null when nothing is to be relayed
     * @param filter         the acknowledged {@code notifications} filter
     * @param onClose        ends the subscription's upstream session
     */
    ListenEvents(JsonNode acknowledgment, java.util.function.Supplier<EventSource> opener, JsonNode subscriptionId, JsonNode filter,
            Set<String> uris, Runnable onClose) {
        this.acknowledgment = SseEvent.of("message", acknowledgment.toString());
        this.opener = opener;
        this.subscriptionId = subscriptionId;
        this.tools = filter.path("toolsListChanged").asBoolean(false);
        this.prompts = filter.path("promptsListChanged").asBoolean(false);
        this.resources = filter.path("resourcesListChanged").asBoolean(false);
        this.uris = Set.copyOf(uris);
        this.onClose = onClose;
        this.reader = opener == null ? null : Thread.ofVirtual().name("mcp-listen-reader").start(this::pump);
    }

    private void pump() {
        try {
            EventSource source = opener.get();
            if (source == null) {
                return; // no upstream offers a stream: keep-alives only, until the client leaves
            }
            upstream = source;
            if (closed.get()) {
                source.close();
                return;
            }
            SseEvent e;
            while (!closed.get() && (e = source.next()) != null) {
                SseEvent out = select(e);
                if (out != null) {
                    queue.put(out);
                }
            }
            queue.offer(END);
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            queue.offer(END); // the upstream stream ended badly or the subscription is closing
        }
    }

    /** The event for the client, or null when the client did not ask for it. */
    private SseEvent select(SseEvent e) throws IOException {
        if (e.data() == null || e.data().indexOf("\"method\"") < 0) {
            return null;
        }
        JsonNode m = JsonRpc.MAPPER.readTree(e.data());
        if (m == null || JsonRpc.kind(m) != JsonRpc.Kind.NOTIFICATION) {
            return null; // requests from upstreams have no one to answer them here
        }
        String method = m.get("method").textValue();
        boolean wanted = switch (method) {
            case "notifications/tools/list_changed" -> tools;
            case "notifications/prompts/list_changed" -> prompts;
            case "notifications/resources/list_changed" -> resources;
            case "notifications/resources/updated" -> uris.contains(m.path("params").path("uri").asText(""));
            default -> false;
        };
        if (!wanted) {
            return null;
        }
        ObjectNode out = ((ObjectNode) m).deepCopy();
        ObjectNode params = out.has("params") && out.get("params").isObject() ? (ObjectNode) out.get("params") : out.putObject("params");
        ObjectNode meta = params.has("_meta") && params.get("_meta").isObject() ? (ObjectNode) params.get("_meta") : params.putObject("_meta");
        meta.set(Stateless.META_SUBSCRIPTION, subscriptionId);
        return SseEvent.of("message", out.toString());
    }

    @Override
    public SseEvent next() throws IOException {
        if (!acknowledged) {
            acknowledged = true;
            return acknowledgment;
        }
        if (ended) {
            return null;
        }
        try {
            SseEvent e = queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                return new SseEvent(null, null, null, "keep-alive");
            }
            if (e == END) {
                // every upstream stream ended: close the subscription gracefully
                ended = true;
                ObjectNode result = JsonRpc.NODES.objectNode();
                result.put("resultType", "complete");
                result.putObject("_meta").set(Stateless.META_SUBSCRIPTION, subscriptionId);
                return SseEvent.of("message", JsonRpc.result(subscriptionId, result).toString());
            }
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for change notifications");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            EventSource source = upstream;
            if (source != null) {
                source.close();
            }
            if (reader != null) {
                reader.interrupt();
            }
            onClose.run();
        }
    }
}
