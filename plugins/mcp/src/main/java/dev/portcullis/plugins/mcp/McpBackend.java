package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StoreUnavailableException;
import dev.portcullis.spi.mcp.McpAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code mcp} backend: the Streamable HTTP transport towards the client (POST, GET and DELETE
 * on one endpoint), with DNS-rebinding checks, sessions and JSON-RPC framing; the MCP semantics
 * behind it are the {@link Federation}'s.
 */
final class McpBackend implements Backend {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    /** The id of the single request this exchange forwards, so a later refusal can answer it. */
    private static final AttributeKey<JsonNode> REQUEST_ID = AttributeKey.of("mcp.request.id", JsonNode.class);

    private final Federation federation;
    private final Sessions sessions;
    private final Set<String> allowedOrigins;
    private final Set<String> allowedHosts;
    private final boolean unprefixed;
    private final long maxMessage;
    private final int maxBatch;
    private final ObjectReader reader = JsonRpc.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final AutoCloseable resources;
    private final Stateless stateless;

    McpBackend(Federation federation, Sessions sessions, McpBackendConfig config, String serverVersion, AutoCloseable resources) {
        this.federation = federation;
        this.stateless = new Stateless(federation, serverVersion);
        this.sessions = sessions;
        this.allowedOrigins = config.allowedOrigins() == null ? null
                : config.allowedOrigins().stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.unprefixed = !config.prefixed();
        this.allowedHosts = config.allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.maxMessage = config.maxMessageSize().bytes();
        this.maxBatch = config.maxBatchSize();
        this.resources = resources;
    }

    /** Origins of a browser page on this machine: {@code http(s)://localhost|127.0.0.1|[::1][:port]}. */
    private static final Pattern LOOPBACK_ORIGIN = Pattern.compile(
            "https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?", Pattern.CASE_INSENSITIVE);

    /** The configured origins, or (when none are configured) loopback ones only. */
    private boolean originAllowed(String origin) {
        return allowedOrigins == null ? LOOPBACK_ORIGIN.matcher(origin).matches()
                : allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }

    @Override
    public Response handle(Exchange ex) {
        Request req = ex.request();
        String origin = req.headers().get("Origin");
        if (origin != null && !originAllowed(origin)) {
            return error(403, JsonRpc.GATEWAY_ERROR, "origin not allowed: " + origin);
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(req.host().toLowerCase(Locale.ROOT))) {
            return error(403, JsonRpc.GATEWAY_ERROR, "host not allowed: " + req.host());
        }
        if (unprefixed) {
            ex.attributes().set(Names.UNPREFIXED, Boolean.TRUE);
        }
        String sessionId = req.headers().get(SESSION_HEADER);
        String version = req.headers().get(VERSION_HEADER);
        if (version != null && Stateless.MODERN.contains(version) && !req.method().equals("POST")) {
            Response r = error(405, JsonRpc.GATEWAY_ERROR, "protocol " + version + " has no GET stream and no sessions: use POST");
            r.headers().set("Allow", "POST");
            return r;
        }
        try {
            return switch (req.method()) {
                case "POST" -> post(ex, sessionId);
                case "GET" -> get(ex, sessionId);
                case "DELETE" -> delete(ex, sessionId);
                default -> {
                    Response r = error(405, JsonRpc.GATEWAY_ERROR, "method not allowed: use POST, GET or DELETE");
                    r.headers().set("Allow", "GET, POST, DELETE");
                    yield r;
                }
            };
        } catch (McpException e) {
            ObjectNode err = JsonRpc.error(null, e.code, e.getMessage());
            return json(e.httpStatus, err);
        } catch (SessionGoneException e) {
            if (sessionId != null) {
                sessions.delete(sessionId);
            }
            return error(404, JsonRpc.GATEWAY_ERROR, "session expired: " + e.getMessage() + "; initialize again");
        } catch (StoreUnavailableException e) {
            return error(503, JsonRpc.GATEWAY_ERROR, "the session store is unavailable; try again later");
        }
    }

    // ---------------------------------------------------------------- POST

    private Response post(Exchange ex, String sessionId) {
        Request req = ex.request();
        String contentType = req.headers().get("Content-Type");
        if (contentType == null || !contentType.regionMatches(true, 0, "application/json", 0, 16)) {
            return error(415, JsonRpc.INVALID_REQUEST, "Content-Type must be application/json");
        }
        if (!accepts(req.headers().get("Accept"), true)) {
            return error(406, JsonRpc.INVALID_REQUEST, "Accept must allow application/json and text/event-stream");
        }
        JsonNode root;
        try {
            root = reader.readTree(req.body().bytes(maxMessage));
        } catch (BodyTooLargeException e) {
            return error(413, JsonRpc.INVALID_REQUEST, "message exceeds " + maxMessage + " bytes");
        } catch (JsonProcessingException e) {
            return error(400, JsonRpc.PARSE_ERROR, "parse error: not valid JSON");
        } catch (IOException e) {
            return error(400, JsonRpc.PARSE_ERROR, "parse error: " + e.getClass().getSimpleName());
        }
        if (root == null || root.isMissingNode()) {
            return error(400, JsonRpc.PARSE_ERROR, "parse error: empty body");
        }
        if (Stateless.isModern(req.headers().get(VERSION_HEADER), root)) {
            Stateless.Answer a = stateless.handle(ex, root); // no session: any Mcp-Session-Id is ignored
            if (a.events() != null) {
                return events(a.events());
            }
            return a.message() == null ? accepted() : json(a.status(), a.message());
        }
        return root.isArray() ? batch(ex, sessionId, root) : single(ex, sessionId, root);
    }

    private Response single(Exchange ex, String sessionId, JsonNode msg) {
        JsonRpc.Kind kind = JsonRpc.kind(msg);
        if (kind == JsonRpc.Kind.INVALID) {
            return json(400, JsonRpc.error(JsonRpc.idOf(msg), JsonRpc.INVALID_REQUEST, "invalid JSON-RPC 2.0 message"));
        }
        if (kind == JsonRpc.Kind.REQUEST && "initialize".equals(msg.get("method").textValue())) {
            return initialize(ex, msg);
        }
        Session s = session(ex, sessionId);
        switch (kind) {
            case NOTIFICATION -> {
                federation.notify(Requester.of(ex), s, msg);
                return accepted();
            }
            case RESPONSE -> {
                federation.respond(Requester.of(ex), s, msg);
                return accepted();
            }
            default -> {
                ex.attributes().set(McpAttributes.METHOD, msg.get("method").textValue());
                ex.attributes().set(REQUEST_ID, msg.get("id"));
                Outcome o = federation.request(ex, s, msg, true);
                return o instanceof Outcome.Events e ? answer(e.events(), msg.get("id")) : toResponse(o);
            }
        }
    }

    private Response initialize(Exchange ex, JsonNode msg) {
        Federation.Initialized init = federation.initialize(Requester.of(ex), msg, subject(ex), ex.clock().millis() / 1000);
        ex.attributes().set(McpAttributes.METHOD, "initialize");
        String id = sessions.create(init.session());
        Response r = json(200, init.response());
        r.headers().set(SESSION_HEADER, id);
        return r;
    }

    private Response batch(Exchange ex, String sessionId, JsonNode batch) {
        if (batch.isEmpty()) {
            return error(400, JsonRpc.INVALID_REQUEST, "empty batch");
        }
        if (batch.size() > maxBatch) {
            return error(400, JsonRpc.INVALID_REQUEST, "batch of " + batch.size() + " messages exceeds the limit of " + maxBatch);
        }
        for (JsonNode m : batch) {
            JsonRpc.Kind kind = JsonRpc.kind(m);
            if (kind == JsonRpc.Kind.INVALID) {
                return error(400, JsonRpc.INVALID_REQUEST, "the batch holds an invalid JSON-RPC 2.0 message");
            }
            if (kind == JsonRpc.Kind.REQUEST && "initialize".equals(m.get("method").textValue())) {
                return error(400, JsonRpc.INVALID_REQUEST, "initialize must not be part of a batch");
            }
        }
        Session s = session(ex, sessionId);
        List<JsonNode> requests = new ArrayList<>();
        for (JsonNode m : batch) {
            switch (JsonRpc.kind(m)) {
                case NOTIFICATION -> federation.notify(Requester.of(ex), s, m);
                case RESPONSE -> federation.respond(Requester.of(ex), s, m);
                default -> requests.add(m);
            }
        }
        if (requests.isEmpty()) {
            return accepted();
        }
        return events(new BatchEvents(requests, m -> {
            try {
                return federation.request(ex, s, m, false);
            } catch (SessionGoneException e) {
                // the answer is already streaming: the loss is reported per request
                return new Outcome.Json(JsonRpc.error(m.get("id"), JsonRpc.GATEWAY_ERROR, "session expired: " + e.getMessage()), 404);
            }
        }, 16 << 20));
    }

    // ---------------------------------------------------------------- GET, DELETE

    private Response get(Exchange ex, String sessionId) {
        if (!accepts(ex.request().headers().get("Accept"), false)) {
            return error(406, JsonRpc.INVALID_REQUEST, "Accept must allow text/event-stream");
        }
        Session s = session(ex, sessionId);
        var stream = federation.openStream(Requester.of(ex), s, ex.request().headers().get("Last-Event-ID"));
        if (stream == null) {
            Response r = error(405, JsonRpc.GATEWAY_ERROR, "no upstream offers a server-initiated stream");
            r.headers().set("Allow", "POST, DELETE");
            return r;
        }
        return events(stream);
    }

    private Response delete(Exchange ex, String sessionId) {
        Session s = session(ex, sessionId);
        federation.end(Requester.of(ex), s);
        sessions.delete(sessionId);
        return new Response(200, new Headers(2), Body.empty());
    }

    // ---------------------------------------------------------------- helpers

    /** The session named by the request, after the protocol-version check. */
    private Session session(Exchange ex, String sessionId) {
        String version = ex.request().headers().get(VERSION_HEADER);
        if (version != null && !Federation.VERSIONS.contains(version)) {
            throw new McpException(400, JsonRpc.INVALID_REQUEST, "unsupported MCP-Protocol-Version: " + version
                    + " (supported: " + String.join(", ", Federation.VERSIONS) + ")");
        }
        if (sessionId == null) {
            throw new McpException(400, JsonRpc.GATEWAY_ERROR, "missing Mcp-Session-Id header: initialize first");
        }
        Optional<Session> s = sessions.find(sessionId, subject(ex), ex.clock());
        if (s.isEmpty()) {
            throw new McpException(404, JsonRpc.GATEWAY_ERROR, "unknown or expired session: initialize again");
        }
        return s.get();
    }

    private static String subject(Exchange ex) {
        return ex.identity().map(i -> i.subject()).orElse(null);
    }

    /** Whether {@code accept} allows what the transport may answer (absent: yes). */
    static boolean accepts(String accept, boolean needsJson) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        boolean any = a.contains("*/*");
        boolean sse = any || a.contains("text/event-stream") || a.contains("text/*");
        boolean json = any || a.contains("application/json") || a.contains("application/*");
        return sse && (json || !needsJson);
    }

    private Response toResponse(Outcome o) {
        return switch (o) {
            case Outcome.Json j -> json(j.httpStatus(), j.message());
            case Outcome.Passthrough p -> new Response(200, Headers.of("Content-Type", "application/json"),
                    Body.of(p.reply().body(), p.reply().length()));
            case Outcome.Events e -> events(e.events());
        };
    }

    /**
     * An upstream's event stream answering one request. When its first event is the answer itself
     * (a tool call without progress or server requests: the common case), the answer goes as one
     * JSON message, which the transport allows: one write to the client instead of a head, a chunk
     * and a last chunk, no event parsing on its side, and a body the response policies (content
     * inspection) can read. Otherwise the events are relayed as they come, the first one included.
     */
    private static Response answer(EventSource events, JsonNode id) {
        SseEvent first;
        try {
            first = events.next();
        } catch (IOException e) {
            events.close();
            return json(502, JsonRpc.error(id, JsonRpc.GATEWAY_ERROR, "the upstream's event stream failed before its answer"));
        }
        if (first == null) {
            events.close();
            return json(502, JsonRpc.error(id, JsonRpc.GATEWAY_ERROR, "the upstream ended its event stream without an answer"));
        }
        if ((first.event() == null || "message".equals(first.event())) && JsonRpc.isResponseTo(first.data(), id)) {
            events.close(); // the server ends the stream after the answer; its connection is reused if it did
            return new Response(200, Headers.of("Content-Type", "application/json"),
                    Body.of(first.data().getBytes(StandardCharsets.UTF_8)));
        }
        return events(new EventSource() {
            private SseEvent peeked = first;

            @Override
            public SseEvent next() throws IOException {
                SseEvent e = peeked;
                if (e != null) {
                    peeked = null;
                    return e;
                }
                return events.next();
            }

            @Override
            public void close() {
                events.close();
            }
        });
    }

    private static Response events(EventSource source) {
        return new Response(200, Headers.of("Content-Type", "text/event-stream", "Cache-Control", "no-cache"), Body.ofEvents(source));
    }

    private static Response accepted() {
        return new Response(202, new Headers(2), Body.empty());
    }

    private static Response error(int status, int code, String message) {
        return json(status, JsonRpc.error(null, code, message));
    }

    private static Response json(int status, JsonNode message) {
        return new Response(status, Headers.of("Content-Type", "application/json"), Body.of(JsonRpc.bytes(message)));
    }

    /** Failures of the route's policies (401, 403, 429, ...) as JSON-RPC errors with the same status and headers. */
    @Override
    public Response renderFailure(Exchange ex, Failure failure) {
        // A refusal after forwarding (a response-phase policy) answers the request the client awaits.
        ObjectNode err = JsonRpc.error(ex.attributes().get(REQUEST_ID).orElse(null), JsonRpc.GATEWAY_ERROR,
                failure.title() + (failure.detail() == null ? "" : ": " + failure.detail()));
        ObjectNode data = JsonRpc.errorData(err);
        data.put("type", "urn:portcullis:problem:" + failure.code());
        data.put("status", failure.status());
        data.put("requestId", ex.requestId());
        Headers h = Headers.copyOf(failure.headers());
        h.set("Content-Type", "application/json");
        return new Response(failure.status(), h, Body.of(JsonRpc.bytes(err)));
    }

    @Override
    public void close() {
        federation.close();
        try {
            resources.close();
        } catch (Exception ignored) {
            // the HTTP client's threads end either way
        }
    }
}
