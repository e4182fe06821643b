package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stateless protocol revision 2026-07-28 towards clients: no {@code initialize}, no session;
 * every POST carries its protocol version and client capabilities in {@code params._meta}, mirrored
 * in the {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} headers, which must
 * match the body. The gateway answers {@code server/discover} itself and serves listings and calls
 * through sessions it holds with the (legacy, session-based) upstreams on the client's behalf, adding
 * what the revision requires of results ({@code resultType}, caching hints, server info).
 *
 * <p>{@code subscriptions/listen} opens an upstream session of its own per subscription and relays
 * the change notifications the client opted in to ({@link ListenEvents}). Not offered: multi
 * round-trip requests (the upstream sessions declare no client capabilities, so upstreams send no
 * sampling, elicitation or roots requests). {@code Mcp-Param-*} headers are checked against the
 * arguments when this node has listed the tool ({@link ParamHeaders}); they are not forwarded.
 */
final class Stateless {

    static final String VERSION = "2026-07-28";
    static final List<String> MODERN = List.of(VERSION);
    static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_CLIENT = "io.modelcontextprotocol/clientInfo";
    static final String META_SERVER = "io.modelcontextprotocol/serverInfo";
    static final String META_SUBSCRIPTION = "io.modelcontextprotocol/subscriptionId";
    static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    /** Log levels, least severe first (RFC 5424 order, as MCP uses them). */
    static final List<String> LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");
    static final int HEADER_MISMATCH = -32020;
    static final int UNSUPPORTED_VERSION = -32022;

    private static final Set<String> CALLS = Set.of("tools/call", "resources/read", "prompts/get");
    private static final Set<String> SERVED = Set.of("tools/list", "prompts/list", "resources/list", "resources/templates/list",
            "tools/call", "prompts/get", "resources/read", "completion/complete");
    private static final Set<String> CACHEABLE = Set.of("tools/list", "prompts/list", "resources/list", "resources/templates/list",
            "resources/read", "server/discover");
    private static final int MAX_BRIDGES = 1024;
    private static final int MAX_ANSWER = 16 << 20;

    private final Federation federation;
    private final String serverVersion;
    /** Upstream sessions held for stateless clients, per subject (credentials may be per subject). */
    private final Map<String, Federation.Initialized> bridges = new ConcurrentHashMap<>();

    Stateless(Federation federation, String serverVersion) {
        this.federation = federation;
        this.serverVersion = serverVersion;
    }

    /** Whether a POST speaks the stateless revision: by its header or by its body's {@code _meta}. */
    static boolean isModern(String versionHeader, JsonNode body) {
        if (versionHeader != null && MODERN.contains(versionHeader)) {
            return true;
        }
        return body != null && body.isObject() && body.path("params").path("_meta").has(META_VERSION);
    }

    /** What the transport answers: an HTTP status and a JSON message, or an event stream. */
    record Answer(int status, JsonNode message, EventSource events) {}

    Answer handle(Exchange ex, JsonNode msg) {
        if (!msg.isObject()) {
            return error(400, null, JsonRpc.INVALID_REQUEST, "a batch is not allowed in protocol " + VERSION);
        }
        JsonRpc.Kind kind = JsonRpc.kind(msg);
        if (kind == JsonRpc.Kind.NOTIFICATION) {
            return new Answer(202, null, null); // this revision defines none over HTTP; accepted and dropped
        }
        if (kind != JsonRpc.Kind.REQUEST) {
            return error(400, JsonRpc.idOf(msg), JsonRpc.INVALID_REQUEST, "only requests and notifications may be sent in protocol " + VERSION);
        }
        JsonNode id = msg.get("id");
        String method = msg.get("method").textValue();
        Request req = ex.request();
        JsonNode meta = msg.path("params").path("_meta");
        String bodyVersion = meta.path(META_VERSION).isTextual() ? meta.get(META_VERSION).textValue() : null;
        String headerVersion = req.headers().get(McpBackend.VERSION_HEADER);
        if (headerVersion == null) {
            return error(400, id, HEADER_MISMATCH, "Header mismatch: the MCP-Protocol-Version header is missing");
        }
        if (!headerVersion.equals(bodyVersion)) {
            return error(400, id, HEADER_MISMATCH, "Header mismatch: MCP-Protocol-Version header value '" + headerVersion
                    + "' does not match body value '" + bodyVersion + "'");
        }
        if (!MODERN.contains(bodyVersion)) {
            ObjectNode err = JsonRpc.error(id, UNSUPPORTED_VERSION, "Unsupported protocol version");
            ObjectNode data = JsonRpc.errorData(err);
            data.putArray("supported").add(VERSION).add(Federation.VERSIONS.get(0));
            data.put("requested", bodyVersion);
            return new Answer(400, err, null);
        }
        String methodHeader = req.headers().get("Mcp-Method");
        if (!method.equals(methodHeader)) {
            return error(400, id, HEADER_MISMATCH, methodHeader == null ? "Header mismatch: the Mcp-Method header is missing"
                    : "Header mismatch: Mcp-Method header value '" + methodHeader + "' does not match body value '" + method + "'");
        }
        if (CALLS.contains(method)) {
            JsonNode target = msg.path("params").path(method.equals("resources/read") ? "uri" : "name");
            String nameHeader = req.headers().get("Mcp-Name");
            String decoded = decode(nameHeader);
            if (nameHeader == null || decoded == null || !target.isTextual() || !decoded.equals(target.textValue())) {
                return error(400, id, HEADER_MISMATCH, nameHeader == null ? "Header mismatch: the Mcp-Name header is missing"
                        : "Header mismatch: Mcp-Name header value '" + nameHeader + "' does not match the body");
            }
        }
        if (method.equals("tools/call")) {
            String mismatch = federation.paramHeaders().mismatch(msg.path("params").path("name").asText(),
                    msg.path("params").path("arguments"), req.headers()::get);
            if (mismatch != null) {
                return error(400, id, HEADER_MISMATCH, "Header mismatch: " + mismatch);
            }
        }
        if (!meta.path(META_CAPABILITIES).isObject()) {
            return error(400, id, JsonRpc.INVALID_PARAMS, "params._meta." + META_CAPABILITIES + " is required");
        }
        if (method.equals("server/discover")) {
            return new Answer(200, JsonRpc.result(id, discover(ex)), null);
        }
        if (method.equals("subscriptions/listen")) {
            return listen(ex, msg, id);
        }
        if (!SERVED.contains(method)) {
            return error(404, id, JsonRpc.METHOD_NOT_FOUND, "method not found: " + method);
        }
        JsonNode upstreamMsg = withoutModernMeta(msg);
        Requester rq = Requester.of(ex);
        String key = rq.subject() == null ? "" : rq.subject();
        ex.attributes().set(dev.portcullis.spi.mcp.McpAttributes.METHOD, method);
        Outcome o;
        try {
            o = federation.request(ex, bridge(ex, key), upstreamMsg, true);
        } catch (SessionGoneException e) {
            bridges.remove(key); // an upstream forgot the session: start a new one once
            o = federation.request(ex, bridge(ex, key), upstreamMsg, true);
        }
        boolean cacheable = CACHEABLE.contains(method);
        boolean personal = ex.identity().isPresent() || !new Authorization(ex).isEmpty();
        return switch (o) {
            case Outcome.Json j -> new Answer(j.httpStatus() == 200 && isMethodNotFound(j.message()) ? 404 : j.httpStatus(),
                    complete(j.message(), id, cacheable, personal), null);
            case Outcome.Passthrough p -> {
                try (Upstream.Reply r = p.reply()) {
                    byte[] body = Body.read(r.body(), MAX_ANSWER + 1);
                    if (body.length > MAX_ANSWER) {
                        yield error(502, id, JsonRpc.GATEWAY_ERROR, "the upstream answer exceeds " + MAX_ANSWER + " bytes");
                    }
                    yield new Answer(200, complete(JsonRpc.MAPPER.readTree(body), id, cacheable, personal), null);
                } catch (IOException e) {
                    yield error(502, id, JsonRpc.GATEWAY_ERROR, "the upstream answer could not be read");
                }
            }
            case Outcome.Events e -> new Answer(200, null, new Completed(e.events(), id, cacheable, personal,
                    LEVELS.indexOf(meta.path(META_LOG_LEVEL).asText(""))));
        };
    }

    /** The gateway's {@code DiscoverResult}: the merged capabilities of the upstreams. */
    private ObjectNode discover(Exchange ex) {
        Federation.Initialized init = bridged(ex, Requester.of(ex).subject() == null ? "" : Requester.of(ex).subject());
        Session s = init.session();
        ObjectNode result = JsonRpc.NODES.objectNode();
        result.put("resultType", "complete");
        result.putArray("supportedVersions").add(VERSION);
        ObjectNode caps = result.putObject("capabilities");
        JsonNode merged = init.response().path("result").path("capabilities");
        for (String c : List.of("tools", "prompts", "resources", "completions")) {
            if (merged.path(c).isObject()) {
                caps.set(c, merged.get(c).deepCopy()); // listChanged / subscribe: served by subscriptions/listen
            }
        }
        JsonNode instructions = init.response().path("result").path("instructions");
        if (instructions.isTextual()) {
            result.put("instructions", instructions.textValue());
        }
        result.putObject("_meta").putObject(META_SERVER).put("name", "portcullis").put("version", serverVersion);
        result.put("ttlMs", 0);
        result.put("cacheScope", "private");
        return result;
    }

    /**
     * {@code subscriptions/listen}: a session of its own with the upstreams (so its GET streams and
     * resource subscriptions belong to this subscription alone), ended when the client closes the stream.
     */
    private Answer listen(Exchange ex, JsonNode msg, JsonNode id) {
        JsonNode requested = msg.path("params").path("notifications");
        Requester rq = Requester.of(ex);
        Federation.Initialized init = federation.initialize(rq, bridgeInitialize(), rq.subject(), ex.clock().millis() / 1000);
        Session s = init.session();
        JsonNode caps = init.response().path("result").path("capabilities");
        ObjectNode agreed = JsonRpc.NODES.objectNode();
        for (String kind : List.of("tools", "prompts", "resources")) {
            String field = kind + "ListChanged";
            if (requested.path(field).asBoolean(false) && caps.path(kind).path("listChanged").asBoolean(false)) {
                agreed.put(field, true);
            }
        }
        Set<String> uris = new java.util.LinkedHashSet<>();
        if (requested.path("resourceSubscriptions").isArray() && caps.path("resources").path("subscribe").asBoolean(false)) {
            int n = 0;
            for (JsonNode uri : requested.get("resourceSubscriptions")) {
                if (uri.isTextual() && succeeded(federation.request(ex, s, JsonRpc.request(JsonRpc.NODES.textNode("subscribe-" + n++),
                        "resources/subscribe", JsonRpc.NODES.objectNode().put("uri", uri.textValue())), false))) {
                    uris.add(uri.textValue()); // the route's authorizers decided, as for resources/read
                }
            }
            if (!uris.isEmpty()) {
                uris.forEach(agreed.putArray("resourceSubscriptions")::add);
            }
        }
        ObjectNode params = JsonRpc.NODES.objectNode();
        params.putObject("_meta").set(META_SUBSCRIPTION, id);
        params.set("notifications", agreed);
        JsonNode ack = JsonRpc.notification("notifications/subscriptions/acknowledged", params);
        // opened before the acknowledgment (briefly: servers that hold headers back are opened lazily), so
        // the upstream streams are on their way when the client learns the subscription is active
        EventSource upstream = agreed.isEmpty() ? null : federation.openStream(rq, s, null);
        return new Answer(200, null, new ListenEvents(ack, upstream == null ? null : () -> upstream, id, agreed, uris,
                () -> federation.end(rq, s)));
    }

    /** Whether a request's outcome was a success; its answer is read and released. */
    private static boolean succeeded(Outcome o) {
        return switch (o) {
            case Outcome.Json j -> j.message().has("result");
            case Outcome.Passthrough p -> {
                try (Upstream.Reply r = p.reply()) {
                    JsonNode m = JsonRpc.MAPPER.readTree(Body.read(r.body(), MAX_ANSWER));
                    yield m != null && m.has("result");
                } catch (IOException e) {
                    yield false;
                }
            }
            case Outcome.Events e -> {
                try {
                    boolean ok = false;
                    SseEvent ev;
                    while ((ev = e.events().next()) != null) {
                        JsonNode m = ev.data() == null ? null : JsonRpc.MAPPER.readTree(ev.data());
                        if (m != null && JsonRpc.kind(m) == JsonRpc.Kind.RESPONSE) {
                            ok = m.has("result");
                            break;
                        }
                    }
                    yield ok;
                } catch (IOException ex) {
                    yield false;
                } finally {
                    e.events().close();
                }
            }
        };
    }

    private ObjectNode bridgeInitialize() {
        ObjectNode params = JsonRpc.NODES.objectNode();
        params.put("protocolVersion", Federation.VERSIONS.get(0));
        params.putObject("capabilities"); // nothing the gateway could relay without a session to the client
        params.putObject("clientInfo").put("name", "portcullis-stateless").put("version", serverVersion);
        return JsonRpc.request(JsonRpc.NODES.textNode("bridge"), "initialize", params);
    }

    private Session bridge(Exchange ex, String key) {
        return bridged(ex, key).session();
    }

    private Federation.Initialized bridged(Exchange ex, String key) {
        Federation.Initialized known = bridges.get(key);
        if (known != null) {
            return known;
        }
        Federation.Initialized init = federation.initialize(Requester.of(ex), bridgeInitialize(), key.isEmpty() ? null : key,
                ex.clock().millis() / 1000);
        if (bridges.size() >= MAX_BRIDGES) {
            bridges.clear();
        }
        bridges.put(key, init);
        return init;
    }

    /** Adds what 2026-07-28 requires of a result to {@code m} when it answers {@code id}. */
    JsonNode complete(JsonNode m, JsonNode id, boolean cacheable, boolean personal) {
        if (m == null || !m.isObject() || !id.equals(m.get("id"))) {
            return m;
        }
        if (m.get("result") instanceof ObjectNode result) {
            if (!result.has("resultType")) {
                result.put("resultType", "complete");
            }
            if (cacheable && "complete".equals(result.path("resultType").asText())) {
                if (!result.has("ttlMs")) {
                    result.put("ttlMs", 0); // the gateway does not promise freshness; upstream lists may change
                }
                result.put("cacheScope", personal ? "private" : result.path("cacheScope").asText("public"));
            }
            ObjectNode meta = result.has("_meta") && result.get("_meta").isObject() ? (ObjectNode) result.get("_meta") : result.putObject("_meta");
            meta.putObject(META_SERVER).put("name", "portcullis").put("version", serverVersion);
        } else if (m.get("error") instanceof ObjectNode error && error.path("code").asInt() == -32002) {
            error.put("code", JsonRpc.INVALID_PARAMS); // resource not found is -32602 in this revision
        }
        return m;
    }

    private static boolean isMethodNotFound(JsonNode m) {
        return m.path("error").path("code").asInt() == JsonRpc.METHOD_NOT_FOUND;
    }

    /** A request with the revision's own {@code _meta} keys removed, for a legacy upstream. */
    private static JsonNode withoutModernMeta(JsonNode msg) {
        if (!(msg.path("params").path("_meta") instanceof ObjectNode meta)) {
            return msg;
        }
        ObjectNode copy = msg.deepCopy();
        ObjectNode m = (ObjectNode) copy.get("params").get("_meta");
        List<String> drop = new ArrayList<>();
        for (Iterator<String> it = meta.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith("io.modelcontextprotocol/")) {
                drop.add(k);
            }
        }
        m.remove(drop);
        if (m.isEmpty()) {
            ((ObjectNode) copy.get("params")).remove("_meta");
        }
        return copy;
    }

    /** A header value, Base64-decoded when it uses the {@code =?base64?...?=} sentinel; null when malformed. */
    static String decode(String header) {
        if (header == null) {
            return null;
        }
        if (header.startsWith("=?base64?") && header.endsWith("?=") && header.length() >= 11) {
            try {
                return new String(Base64.getDecoder().decode(header.substring(9, header.length() - 2)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return header;
    }

    private static Answer error(int status, JsonNode id, int code, String message) {
        return new Answer(status, JsonRpc.error(id, code, message), null);
    }

    /**
     * An upstream event stream with the final response completed, no server-to-client requests, and
     * log messages only at or above the level the request asked for ({@code minLevel} -1: none).
     */
    private final class Completed implements EventSource {
        private final EventSource in;
        private final JsonNode id;
        private final boolean cacheable;
        private final boolean personal;
        private final int minLevel;

        Completed(EventSource in, JsonNode id, boolean cacheable, boolean personal, int minLevel) {
            this.in = in;
            this.id = id;
            this.cacheable = cacheable;
            this.personal = personal;
            this.minLevel = minLevel;
        }

        @Override
        public SseEvent next() throws IOException {
            SseEvent e;
            while ((e = in.next()) != null) {
                if (e.data() != null && e.data().contains("notifications/message")) {
                    JsonNode m = JsonRpc.MAPPER.readTree(e.data());
                    if (m != null && "notifications/message".equals(m.path("method").asText())
                            && (minLevel < 0 || LEVELS.indexOf(m.path("params").path("level").asText("")) < minLevel)) {
                        continue; // the request asked for no log messages, or for more severe ones only
                    }
                }
                if (e.data() == null || e.data().indexOf("\"id\"") < 0) {
                    return e; // notifications (progress) as they are
                }
                JsonNode m = JsonRpc.MAPPER.readTree(e.data());
                if (m != null && JsonRpc.kind(m) == JsonRpc.Kind.REQUEST) {
                    continue; // this revision has no server-to-client requests on a response stream
                }
                return new SseEvent(e.event(), complete(m, id, cacheable, personal).toString(), null, null);
            }
            return null;
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
