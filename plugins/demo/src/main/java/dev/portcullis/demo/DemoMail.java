package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A demo mail REST API on loopback. It sends nothing anywhere: it records every accepted message
 * in an in-memory outbox, so the demo can show which mails got through the gateway. Not for
 * production.
 *
 * <ul>
 *   <li>{@code POST /send} {@code {"to": ["a@example.com"], "subject": "...", "body": "..."}} — 200
 *       {@code {"id", "status": "sent", "to"}}; 400 for a malformed message</li>
 *   <li>{@code GET /outbox} — {@code {"messages": [...]}}, oldest first, each with the
 *       {@code X-Correlation-Id} it arrived with</li>
 *   <li>{@code DELETE /outbox} — empties it (204)</li>
 *   <li>{@code GET /health} — 200</li>
 * </ul>
 *
 * <p>It checks no credentials itself: the gateway's {@code /api/mail} route in front of it does.
 */
public final class DemoMail implements AutoCloseable {

    private final HttpServer server;
    private final int capacity;
    private final Deque<ObjectNode> outbox = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();

    DemoMail(DemoMailConfig config) {
        capacity = config.outboxSize();
        server = DemoHttp.bind(config.host(), config.port());
        server.createContext("/send", this::send);
        server.createContext("/outbox", this::outbox);
        server.createContext("/health", ex -> DemoHttp.send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** A copy of the outbox, oldest first. */
    public List<ObjectNode> sent() {
        lock.lock();
        try {
            List<ObjectNode> copy = new ArrayList<>(outbox.size());
            outbox.forEach(m -> copy.add(m.deepCopy()));
            return copy;
        } finally {
            lock.unlock();
        }
    }

    private void send(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            DemoHttp.methodNotAllowed(ex, "POST");
            return;
        }
        JsonNode msg = DemoHttp.jsonBody(ex);
        if (msg == null || !msg.isObject()) {
            DemoHttp.problem(ex, 400, "bad-message", "the body must be a JSON object {to, subject, body}");
            return;
        }
        List<String> to = new ArrayList<>();
        JsonNode toNode = msg.get("to");
        if (toNode != null && toNode.isTextual()) {
            to.add(toNode.textValue());
        } else if (toNode != null && toNode.isArray()) {
            toNode.forEach(t -> to.add(t.isTextual() ? t.textValue() : ""));
        }
        if (to.isEmpty() || to.stream().anyMatch(t -> !isAddress(t))) {
            DemoHttp.problem(ex, 400, "bad-message", "'to' must be one e-mail address or a list of them");
            return;
        }
        JsonNode subject = msg.path("subject");
        JsonNode body = msg.path("body");
        if (!body.isTextual() || !(subject.isMissingNode() || subject.isTextual())) {
            DemoHttp.problem(ex, 400, "bad-message", "'body' must be a string, and 'subject' a string when given");
            return;
        }
        String id = "msg-" + ids.incrementAndGet();
        ObjectNode stored = DemoHttp.JSON.createObjectNode();
        stored.put("id", id);
        stored.put("time", Instant.now().toString());
        ArrayNode recipients = stored.putArray("to");
        to.forEach(recipients::add);
        stored.put("subject", subject.asText(""));
        stored.put("body", body.textValue());
        stored.put("correlationId", DemoHttp.correlationId(ex));
        lock.lock();
        try {
            outbox.addLast(stored);
            while (outbox.size() > capacity) {
                outbox.removeFirst();
            }
        } finally {
            lock.unlock();
        }
        ObjectNode answer = DemoHttp.JSON.createObjectNode();
        answer.put("id", id);
        answer.put("status", "sent");
        answer.set("to", recipients.deepCopy());
        DemoHttp.json(ex, 200, answer);
    }

    private void outbox(HttpExchange ex) throws IOException {
        switch (ex.getRequestMethod()) {
            case "GET" -> {
                ObjectNode body = DemoHttp.JSON.createObjectNode();
                ArrayNode messages = body.putArray("messages");
                sent().forEach(messages::add);
                DemoHttp.json(ex, 200, body);
            }
            case "DELETE" -> {
                lock.lock();
                try {
                    outbox.clear();
                } finally {
                    lock.unlock();
                }
                DemoHttp.send(ex, 204, null, new byte[0]);
            }
            default -> DemoHttp.methodNotAllowed(ex, "GET, DELETE");
        }
    }

    private static boolean isAddress(String s) {
        int at = s.lastIndexOf('@');
        return at > 0 && at < s.length() - 1 && s.length() <= 254 && s.chars().noneMatch(Character::isWhitespace);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
