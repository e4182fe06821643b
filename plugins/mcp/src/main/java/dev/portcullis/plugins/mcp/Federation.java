package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.TraceSpan;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StandardAttributes;
import dev.portcullis.spi.mcp.McpAttributes;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpKind;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP semantics of the gateway: one client session in front of a session with each upstream
 * server. Initialisation and listings fan out to every upstream and are merged; calls go to the
 * one upstream that owns the tool, prompt or resource, after the exchange's authorizers agreed.
 */
final class Federation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Federation.class);

    /** Protocol revisions the gateway speaks with clients, newest first. */
    static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    private static final int MAX_UPSTREAM_MESSAGE = 16 << 20;
    /** How long opening the GET stream waits for upstream answers before relaying those still pending lazily. */
    private static final Duration STREAM_OPEN_WAIT = Duration.ofMillis(500);
    private static final List<String> CAPABILITIES = List.of("tools", "resources", "prompts", "logging", "completions");

    private final Map<String, Upstream> upstreams;
    private final Names names;
    private final ResourceRoutes resources = new ResourceRoutes();
    private final ParamHeaders paramHeaders = new ParamHeaders();
    private final ExecutorService fanout = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration timeout;
    private final String serverVersion;

    Federation(Map<String, Upstream> upstreams, Duration timeout, String serverVersion, boolean prefixed) {
        this.upstreams = upstreams;
        this.names = new Names(prefixed, List.copyOf(upstreams.keySet()));
        this.timeout = timeout;
        this.serverVersion = serverVersion;
    }

    /** The session created by {@code initialize} and the answer for the client. */
    record Initialized(Session session, ObjectNode response) {}

    // ---------------------------------------------------------------- initialize

    Initialized initialize(Requester rq, JsonNode request, String subject, long now) {
        JsonNode params = request.get("params");
        if (params == null || !params.isObject() || !params.path("protocolVersion").isTextual()) {
            throw new McpException(400, JsonRpc.INVALID_PARAMS, "initialize needs params.protocolVersion");
        }
        String requested = params.get("protocolVersion").textValue();
        String version = VERSIONS.contains(requested) ? requested : VERSIONS.get(0);
        ObjectNode upParams = ((ObjectNode) params).deepCopy();
        upParams.put("protocolVersion", version);
        byte[] message = JsonRpc.bytes(JsonRpc.request(request.get("id"), "initialize", upParams));

        Map<String, Future<Joining>> pending = new LinkedHashMap<>();
        for (Upstream u : upstreams.values()) {
            pending.put(u.name(), fanout.submit(() -> join(rq, u, message, request.get("id"))));
        }
        Map<String, Session.Joined> joined = new LinkedHashMap<>();
        ObjectNode capabilities = JsonRpc.NODES.objectNode();
        StringBuilder instructions = new StringBuilder();
        for (Map.Entry<String, Future<Joining>> e : pending.entrySet()) {
            Joining j = await(e.getKey(), e.getValue());
            if (j == null) {
                continue;
            }
            joined.put(e.getKey(), j.joined);
            mergeCapabilities(capabilities, j.result.path("capabilities"));
            String text = j.result.path("instructions").asText("");
            if (!text.isBlank()) {
                instructions.append(instructions.isEmpty() ? "" : "\n\n").append('[').append(e.getKey()).append("] ").append(text);
            }
        }
        if (joined.isEmpty()) {
            throw new McpException(502, JsonRpc.GATEWAY_ERROR, "no upstream MCP server could be initialized");
        }
        ObjectNode result = JsonRpc.NODES.objectNode();
        result.put("protocolVersion", version);
        result.set("capabilities", capabilities);
        result.putObject("serverInfo").put("name", "portcullis").put("version", serverVersion);
        if (!instructions.isEmpty()) {
            result.put("instructions", instructions.toString());
        }
        return new Initialized(new Session(version, subject, joined, now), JsonRpc.result(request.get("id"), result));
    }

    private record Joining(Session.Joined joined, JsonNode result) {}

    private Joining join(Requester rq, Upstream u, byte[] initialize, JsonNode id) throws IOException {
        String sessionId;
        JsonNode response;
        try (Upstream.Reply r = u.post(rq, null, null, initialize)) {
            if (!r.ok()) {
                throw new IOException("initialize answered HTTP " + r.status());
            }
            sessionId = r.sessionId();
            response = readResponse(u.name(), r, id);
        }
        JsonNode result = response.get("result");
        if (result == null || !result.isObject()) {
            throw new IOException("initialize failed: " + response.path("error").path("message").asText("no result"));
        }
        String version = result.path("protocolVersion").asText(null);
        List<String> caps = new ArrayList<>();
        result.path("capabilities").fieldNames().forEachRemaining(caps::add);
        try (Upstream.Reply r = u.post(rq, sessionId, version, JsonRpc.bytes(JsonRpc.notification("notifications/initialized", null)))) {
            if (!r.ok()) {
                throw new IOException("notifications/initialized answered HTTP " + r.status());
            }
        }
        return new Joining(new Session.Joined(sessionId, version, caps), result);
    }

    /** Capabilities of all upstreams: a feature is on when any upstream has it. */
    private static void mergeCapabilities(ObjectNode into, JsonNode caps) {
        for (String name : CAPABILITIES) {
            JsonNode c = caps.get(name);
            if (c == null || !c.isObject()) {
                continue;
            }
            ObjectNode target = into.has(name) ? (ObjectNode) into.get(name) : into.putObject(name);
            for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isBoolean()) {
                    target.put(f.getKey(), f.getValue().booleanValue() || target.path(f.getKey()).asBoolean(false));
                }
            }
        }
    }

    // ---------------------------------------------------------------- requests

    /** Handles one request of an established session. {@code single}: the only message of its POST. */
    Outcome request(Exchange ex, Session s, JsonNode msg, boolean single) {
        String method = msg.get("method").textValue();
        JsonNode id = msg.get("id");
        try {
            return switch (method) {
                case "ping" -> Outcome.ok(JsonRpc.result(id, JsonRpc.NODES.objectNode()));
                case "tools/list" -> list(ex, s, msg, "tools", "tools", McpKind.TOOL);
                case "prompts/list" -> list(ex, s, msg, "prompts", "prompts", McpKind.PROMPT);
                case "resources/list" -> list(ex, s, msg, "resources", "resources", McpKind.RESOURCE);
                case "resources/templates/list" -> list(ex, s, msg, "resources", "resourceTemplates", McpKind.RESOURCE);
                case "tools/call" -> call(ex, s, msg, single, McpKind.TOOL, "name");
                case "prompts/get" -> call(ex, s, msg, single, McpKind.PROMPT, "name");
                case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                        call(ex, s, msg, single, McpKind.RESOURCE, "uri");
                case "completion/complete" -> complete(ex, s, msg, single);
                case "logging/setLevel" -> broadcastRequest(Requester.of(ex), s, msg, "logging");
                case "initialize" -> throw new McpException(400, JsonRpc.INVALID_REQUEST, "the session is already initialized");
                default -> throw new McpException(200, JsonRpc.METHOD_NOT_FOUND, "method not found: " + method);
            };
        } catch (McpException e) {
            ObjectNode err = JsonRpc.error(id, e.code, e.getMessage());
            if (e.data != null) {
                ((ObjectNode) err.get("error")).set("data", e.data);
            }
            return new Outcome.Json(err, e.httpStatus);
        }
    }

    private Outcome call(Exchange ex, Session s, JsonNode msg, boolean single, McpKind kind, String field) {
        JsonNode params = msg.get("params");
        if (params == null || !params.isObject() || !params.path(field).isTextual()) {
            throw McpException.invalidParams(msg.get("method").textValue() + " needs params." + field);
        }
        String publicName = params.get(field).textValue();
        String server;
        String name;
        if (kind == McpKind.RESOURCE) {
            server = resourceOwner(s, publicName);
            name = publicName;
        } else {
            Names.Target t = names.resolve(publicName, upstreams::containsKey);
            if (t == null) {
                throw McpException.invalidParams("unknown " + kind.name().toLowerCase() + ": " + publicName);
            }
            server = t.server();
            name = t.name();
        }
        JsonNode args = params.get("arguments");
        McpCall call = new McpCall(msg.get("method").textValue(), kind, server, name, publicName, Authorization.plainMap(args));
        return forwardCall(ex, s, msg, single, call, field, name);
    }

    private Outcome complete(Exchange ex, Session s, JsonNode msg, boolean single) {
        JsonNode params = msg.get("params");
        JsonNode ref = params == null ? null : params.get("ref");
        if (ref == null || !ref.isObject()) {
            throw McpException.invalidParams("completion/complete needs params.ref");
        }
        String type = ref.path("type").asText("");
        String server;
        String name;
        McpKind kind;
        String field;
        if (type.equals("ref/prompt") && ref.path("name").isTextual()) {
            Names.Target t = names.resolve(ref.get("name").textValue(), upstreams::containsKey);
            if (t == null) {
                throw McpException.invalidParams("unknown prompt: " + ref.get("name").textValue());
            }
            server = t.server();
            name = t.name();
            kind = McpKind.PROMPT;
            field = "name";
        } else if (type.equals("ref/resource") && ref.path("uri").isTextual()) {
            name = ref.get("uri").textValue();
            server = resourceOwner(s, name);
            kind = McpKind.RESOURCE;
            field = "uri";
        } else {
            throw McpException.invalidParams("unsupported completion reference");
        }
        McpCall call = new McpCall("completion/complete", kind, server, name, ref.path(field).textValue(),
                Authorization.plainMap(params.get("argument")));
        ObjectNode rewritten = ((ObjectNode) params).deepCopy();
        ((ObjectNode) rewritten.get("ref")).put(field, name);
        return forward(ex, s, single, call, withParams(msg, rewritten));
    }

    private Outcome forwardCall(Exchange ex, Session s, JsonNode msg, boolean single, McpCall call, String field, String upstreamName) {
        ObjectNode params = (ObjectNode) msg.get("params");
        if (!upstreamName.equals(params.get(field).textValue())) {
            ObjectNode p = JsonRpc.NODES.objectNode();
            p.setAll(params);
            p.put(field, upstreamName);
            params = p;
        }
        return forward(ex, s, single, call, withParams(msg, params));
    }

    private Outcome forward(Exchange ex, Session s, boolean single, McpCall call, JsonNode message) {
        // one client span per forwarded call (MCP and GenAI conventions); it ends when the answer starts
        try (TraceSpan span = ex.startSpan(call.method() + " " + call.publicName())
                .attribute("mcp.method.name", call.method()).attribute("mcp.server.name", call.server())
                .attribute(call.kind() == McpKind.TOOL ? "gen_ai.tool.name" : "mcp.item.name", call.publicName())
                .attribute("gen_ai.operation.name", call.kind() == McpKind.TOOL ? "execute_tool" : null)) {
            try {
                return forwardTraced(ex, s, single, call, message);
            } catch (RuntimeException e) {
                span.error(e instanceof McpException ? "mcp_error" : e.getClass().getSimpleName(), e.getMessage());
                throw e;
            }
        }
    }

    private Outcome forwardTraced(Exchange ex, Session s, boolean single, McpCall call, JsonNode message) {
        Authorization auth = new Authorization(ex);
        McpDecision decision = auth.authorize(call);
        if (single) {
            ex.attributes().set(McpAttributes.CALL, call);
            ex.attributes().set(McpAttributes.DECISION, decision);
            ex.attributes().set(StandardAttributes.UPSTREAM, call.server());
        }
        if (!decision.allowed()) {
            ObjectNode data = JsonRpc.NODES.objectNode();
            data.put("rule", decision.rule());
            data.put("reason", decision.reason());
            data.put("server", call.server());
            data.put("name", call.name());
            throw new McpException(200, JsonRpc.DENIED, "denied by rule '" + decision.rule() + "': " + decision.reason(), data);
        }
        Session.Joined joined = joinedOrFail(s, call.server());
        Upstream u = upstreams.get(call.server());
        Upstream.Reply r;
        try {
            r = u.post(Requester.of(ex), joined.sessionId(), joined.version(), JsonRpc.bytes(message));
        } catch (IOException e) {
            throw unreachable(u.name(), e);
        }
        if (r.status() == 404 && joined.sessionId() != null) {
            r.close();
            throw new SessionGoneException(u.name());
        }
        if (!r.ok()) {
            r.close();
            throw new McpException(502, JsonRpc.GATEWAY_ERROR, "upstream '" + u.name() + "' answered HTTP " + r.status());
        }
        List<ResultInspector> inspectors = call.kind() == McpKind.TOOL ? auth.inspectors() : List.of();
        ResultScreen screen = inspectors.isEmpty() ? null : new ResultScreen(ex, call, inspectors, message.get("id"));
        if (r.isEventStream()) {
            return new Outcome.Events(new RelayedEvents(u.name(), r, MAX_UPSTREAM_MESSAGE, screen == null ? null : screen::screenData, true));
        }
        if (r.isJson()) {
            if (screen == null) {
                return new Outcome.Passthrough(r);
            }
            try (r) {
                byte[] body = Body.read(r.body(), MAX_UPSTREAM_MESSAGE + 1);
                if (body.length > MAX_UPSTREAM_MESSAGE) {
                    throw new McpException(502, JsonRpc.GATEWAY_ERROR, "upstream '" + u.name() + "' answered more than "
                            + MAX_UPSTREAM_MESSAGE + " bytes");
                }
                return Outcome.ok(screen.screen(JsonRpc.MAPPER.readTree(body)));
            } catch (IOException e) {
                throw unreachable(u.name(), e);
            }
        }
        r.close();
        throw new McpException(502, JsonRpc.GATEWAY_ERROR, "upstream '" + u.name() + "' answered an unexpected content type");
    }

    private Session.Joined joinedOrFail(Session s, String server) {
        Session.Joined j = s.upstreams().get(server);
        if (j == null) {
            throw new McpException(200, JsonRpc.GATEWAY_ERROR, "server '" + server + "' did not join this session (it was unavailable at initialize)");
        }
        return j;
    }

    /** The upstream owning {@code uri}: learned from listings, else the only resource server. */
    private String resourceOwner(Session s, String uri) {
        String owner = resources.owner(uri);
        if (owner != null) {
            return owner;
        }
        String only = null;
        for (Map.Entry<String, Session.Joined> e : s.upstreams().entrySet()) {
            if (e.getValue().has("resources")) {
                if (only != null) {
                    throw new McpException(200, -32002, "resource not found: " + uri + " (list resources first)");
                }
                only = e.getKey();
            }
        }
        if (only == null) {
            throw new McpException(200, -32002, "resource not found: " + uri);
        }
        return only;
    }

    private static JsonNode withParams(JsonNode msg, JsonNode params) {
        ObjectNode m = JsonRpc.NODES.objectNode();
        m.setAll((ObjectNode) msg);
        m.set("params", params);
        return m;
    }

    // ---------------------------------------------------------------- listings

    private Outcome list(Exchange ex, Session s, JsonNode msg, String capability, String key, McpKind kind) {
        JsonNode params = msg.get("params");
        Map<String, String> cursors = new LinkedHashMap<>();
        JsonNode cursor = params == null ? null : params.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            cursors = Cursors.decode(cursor);
        } else {
            for (Map.Entry<String, Session.Joined> e : s.upstreams().entrySet()) {
                if (e.getValue().has(capability)) {
                    cursors.put(e.getKey(), null);
                }
            }
        }
        String method = msg.get("method").textValue();
        Requester rq = Requester.of(ex);
        Map<String, Future<JsonNode>> pending = new LinkedHashMap<>();
        for (Map.Entry<String, String> c : cursors.entrySet()) {
            Session.Joined joined = s.upstreams().get(c.getKey());
            Upstream u = upstreams.get(c.getKey());
            if (joined == null || u == null) {
                continue;
            }
            ObjectNode p = JsonRpc.NODES.objectNode();
            if (c.getValue() != null) {
                p.put("cursor", c.getValue());
            }
            if (params != null && params.has("_meta")) {
                p.set("_meta", params.get("_meta"));
            }
            byte[] request = JsonRpc.bytes(JsonRpc.request(msg.get("id"), method, p));
            pending.put(u.name(), fanout.submit(() -> exchangeJson(rq, u, joined, request, msg.get("id"))));
        }
        Authorization auth = new Authorization(ex);
        ArrayNode items = JsonRpc.NODES.arrayNode();
        // unprefixed names from several servers must not collide: name -> server that listed it
        Map<String, String> owners = names.prefixed() || kind == McpKind.RESOURCE ? null : new HashMap<>();
        Map<String, String> next = new LinkedHashMap<>();
        for (Map.Entry<String, Future<JsonNode>> e : pending.entrySet()) {
            String server = e.getKey();
            JsonNode response = await(server, e.getValue());
            if (response == null) {
                continue;
            }
            JsonNode result = response.get("result");
            if (result == null) {
                LOG.debug("upstream {} refused {}: {}", server, method, response.path("error").path("message").asText());
                continue;
            }
            for (JsonNode item : result.path(key)) {
                if (owners != null && item.path("name").isTextual()) {
                    String other = owners.putIfAbsent(item.get("name").textValue(), server);
                    if (other != null && !other.equals(server)) {
                        throw new McpException(502, JsonRpc.GATEWAY_ERROR, "servers '" + other + "' and '" + server
                                + "' both offer " + kind.name().toLowerCase(Locale.ROOT) + " '" + item.get("name").textValue()
                                + "': with prefix: never names must be unique (use prefix: auto or always)");
                    }
                }
                if (item.isObject()) {
                    ObjectNode out = publish(auth, server, kind, key, (ObjectNode) item);
                    if (out != null) {
                        items.add(out);
                    }
                }
            }
            if (result.path("nextCursor").isTextual()) {
                next.put(server, result.get("nextCursor").textValue());
            }
        }
        ObjectNode result = JsonRpc.NODES.objectNode();
        result.set(key, items);
        if (!next.isEmpty()) {
            result.put("nextCursor", Cursors.encode(next));
        }
        return Outcome.ok(JsonRpc.result(msg.get("id"), result));
    }

    /** One listed item as the client sees it, or null when an authorizer hides it. */
    private ObjectNode publish(Authorization auth, String server, McpKind kind, String key, ObjectNode item) {
        if (kind == McpKind.RESOURCE) {
            boolean template = key.equals("resourceTemplates");
            String uri = item.path(template ? "uriTemplate" : "uri").asText(null);
            if (uri == null || !auth.visible(kind, server, uri, item)) {
                return null;
            }
            if (template) {
                resources.learnTemplate(uri, server);
            } else {
                resources.learnUri(uri, server);
            }
            return item;
        }
        String name = item.path("name").asText(null);
        if (name == null) {
            return null;
        }
        String publicName = names.publicName(server, name);
        if (kind == McpKind.TOOL) {
            // learned even when hidden here: a caller's call rules may still allow the call
            paramHeaders.learn(publicName, item.get("inputSchema"));
            if (upstreams.get(server) instanceof StatelessUpstream su) {
                su.learn(name, item.get("inputSchema"));
            }
        }
        if (!auth.visible(kind, server, name, item)) {
            return null;
        }
        ObjectNode out = item.deepCopy();
        out.put("name", publicName);
        return out;
    }

    /** The {@code x-mcp-header} annotations of the tools listed on this node. */
    ParamHeaders paramHeaders() {
        return paramHeaders;
    }

    // ---------------------------------------------------------------- notifications, responses

    /** A client notification: {@code initialized} was already sent upstream; others go to every upstream. */
    void notify(Requester rq, Session s, JsonNode msg) {
        if ("notifications/initialized".equals(msg.get("method").textValue())) {
            return;
        }
        byte[] bytes = JsonRpc.bytes(msg);
        List<Future<?>> sent = new ArrayList<>();
        for (Map.Entry<String, Session.Joined> e : s.upstreams().entrySet()) {
            Upstream u = upstreams.get(e.getKey());
            if (u != null) {
                sent.add(fanout.submit(() -> {
                    try (Upstream.Reply r = u.post(rq, e.getValue().sessionId(), e.getValue().version(), bytes)) {
                        return r.status();
                    }
                }));
            }
        }
        for (Future<?> f : sent) {
            await("notification", f);
        }
    }

    /** A client's answer to a server-to-client request, sent back to the upstream that asked. */
    void respond(Requester rq, Session s, JsonNode msg) {
        ServerRequests.Origin origin = ServerRequests.inbound(msg.get("id"));
        Session.Joined joined = origin == null ? null : s.upstreams().get(origin.server());
        Upstream u = origin == null ? null : upstreams.get(origin.server());
        if (joined == null || u == null) {
            throw new McpException(400, JsonRpc.INVALID_REQUEST, "this response answers no request of this session");
        }
        ObjectNode restored = ((ObjectNode) msg).deepCopy();
        restored.set("id", origin.id());
        try (Upstream.Reply r = u.post(rq, joined.sessionId(), joined.version(), JsonRpc.bytes(restored))) {
            if (r.status() == 404 && joined.sessionId() != null) {
                throw new SessionGoneException(u.name());
            }
            if (!r.ok()) {
                throw new McpException(502, JsonRpc.GATEWAY_ERROR, "upstream '" + u.name() + "' answered HTTP " + r.status());
            }
        } catch (IOException e) {
            throw unreachable(u.name(), e);
        }
    }

    private Outcome broadcastRequest(Requester rq, Session s, JsonNode msg, String capability) {
        List<Future<JsonNode>> sent = new ArrayList<>();
        byte[] bytes = JsonRpc.bytes(msg);
        for (Map.Entry<String, Session.Joined> e : s.upstreams().entrySet()) {
            Upstream u = upstreams.get(e.getKey());
            if (u != null && e.getValue().has(capability)) {
                sent.add(fanout.submit(() -> exchangeJson(rq, u, e.getValue(), bytes, msg.get("id"))));
            }
        }
        for (Future<JsonNode> f : sent) {
            await(msg.get("method").textValue(), f);
        }
        return Outcome.ok(JsonRpc.result(msg.get("id"), JsonRpc.NODES.objectNode()));
    }

    // ---------------------------------------------------------------- GET stream, DELETE

    /**
     * The merged server-initiated streams of all upstreams that offer one, or null when none does.
     * With a {@code Last-Event-ID} made by the gateway: a POST stream's id resumes that one
     * upstream's stream; a merged stream's id resumes every upstream, each from its own last id.
     */
    EventSource openStream(Requester rq, Session s, String lastEventId) {
        EventIds.Resume resume = EventIds.parse(lastEventId);
        boolean post = resume != null && resume.post();
        Map<String, CompletableFuture<Upstream.Reply>> pending = new LinkedHashMap<>();
        Map<String, String> resumedFrom = new LinkedHashMap<>();
        for (Map.Entry<String, Session.Joined> e : s.upstreams().entrySet()) {
            Upstream u = upstreams.get(e.getKey());
            String from = resume == null ? null : resume.ids().get(e.getKey());
            if (u == null || post && from == null) {
                continue;
            }
            if (from != null) {
                resumedFrom.put(e.getKey(), from);
            }
            pending.put(u.name(), CompletableFuture.supplyAsync(() -> {
                try {
                    return u.get(rq, e.getValue().sessionId(), e.getValue().version(), from);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }, fanout));
        }
        // Wait briefly for the upstreams' answers, to refuse at once when none offers a stream. Some
        // servers send a stream's headers only with its first event: those still pending are opened
        // by the merged stream's readers, however long they take.
        long deadline = System.nanoTime() + STREAM_OPEN_WAIT.toNanos();
        List<MergedEvents.Opener> openers = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Upstream.Reply>> e : pending.entrySet()) {
            String server = e.getKey();
            CompletableFuture<Upstream.Reply> f = e.getValue();
            try {
                Upstream.Reply r = post ? f.get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        : f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                RelayedEvents opened = relay(server, r, post);
                if (opened != null) {
                    openers.add(() -> opened);
                }
            } catch (TimeoutException t) {
                if (post) {
                    f.thenAccept(Upstream.Reply::close);
                    continue;
                }
                openers.add(() -> {
                    try {
                        return relay(server, f.get(), false);
                    } catch (InterruptedException i) {
                        f.thenAccept(Upstream.Reply::close); // the client left first: release it when it comes
                        throw i;
                    } catch (ExecutionException x) {
                        LOG.debug("MCP upstream {} offers no stream: {}", server, String.valueOf(x.getCause()));
                        return null;
                    }
                });
            } catch (ExecutionException x) {
                LOG.warn("MCP upstream {} failed: {}", server, String.valueOf(x.getCause()));
            } catch (InterruptedException i) {
                Thread.currentThread().interrupt();
                pending.values().forEach(p -> p.thenAccept(Upstream.Reply::close));
                return null;
            }
        }
        if (openers.isEmpty()) {
            return null;
        }
        if (post) {
            try {
                return openers.get(0).open();
            } catch (IOException | InterruptedException e) {
                return null;
            }
        }
        return new MergedEvents(openers, resumedFrom);
    }

    /** An upstream's stream answer as relayed events, or null (released) when it is not one. */
    private static RelayedEvents relay(String server, Upstream.Reply r, boolean gatewayIds) {
        if (r.ok() && r.isEventStream()) {
            return new RelayedEvents(server, r, MAX_UPSTREAM_MESSAGE, null, gatewayIds);
        }
        r.close();
        return null;
    }

    /** Ends every upstream session behind {@code s}. */
    void end(Requester rq, Session s) {
        List<Future<Integer>> sent = new ArrayList<>();
        for (Map.Entry<String, Session.Joined> e : s.upstreams().entrySet()) {
            Upstream u = upstreams.get(e.getKey());
            if (u != null && e.getValue().sessionId() != null) {
                sent.add(fanout.submit(() -> u.delete(rq, e.getValue().sessionId(), e.getValue().version())));
            }
        }
        for (Future<Integer> f : sent) {
            await("delete", f);
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Sends a request and waits for its response, whether the upstream answers with JSON or events. */
    private JsonNode exchangeJson(Requester rq, Upstream u, Session.Joined joined, byte[] request, JsonNode id) throws IOException {
        try (Upstream.Reply r = u.post(rq, joined.sessionId(), joined.version(), request)) {
            if (r.status() == 404 && joined.sessionId() != null) {
                throw new IOException("upstream session expired");
            }
            if (!r.ok()) {
                throw new IOException("answered HTTP " + r.status());
            }
            return readResponse(u.name(), r, id);
        }
    }

    /** The response to {@code id} in a reply (for upstream adapters). */
    static JsonNode readResponseOf(String server, Upstream.Reply r, JsonNode id) throws IOException {
        try (r) {
            return readResponse(server, r, id);
        }
    }

    /** The response to {@code id} in a reply; other messages on an event stream are dropped. */
    private static JsonNode readResponse(String server, Upstream.Reply r, JsonNode id) throws IOException {
        if (r.isEventStream()) {
            SseReader reader = new SseReader(r.body(), MAX_UPSTREAM_MESSAGE);
            SseEvent e;
            while ((e = reader.next()) != null) {
                if (e.data() == null || e.data().isBlank()) {
                    continue;
                }
                JsonNode m = JsonRpc.MAPPER.readTree(e.data());
                if (m != null && JsonRpc.kind(m) == JsonRpc.Kind.RESPONSE && m.get("id").equals(id)) {
                    return m;
                }
                LOG.debug("dropping a message from {} while waiting for a response", server);
            }
            throw new IOException("the event stream ended without a response");
        }
        byte[] body = Body.read(r.body(), MAX_UPSTREAM_MESSAGE + 1);
        if (body.length > MAX_UPSTREAM_MESSAGE) {
            throw new IOException("answer exceeds " + MAX_UPSTREAM_MESSAGE + " bytes");
        }
        JsonNode m = JsonRpc.MAPPER.readTree(body);
        if (m == null || JsonRpc.kind(m) != JsonRpc.Kind.RESPONSE) {
            throw new IOException("answered something that is not a JSON-RPC response");
        }
        return m;
    }

    /** The value of {@code f}, or null (logged) when the upstream failed or was too slow. */
    private <T> T await(String server, Future<T> f) {
        try {
            return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.warn("MCP upstream {} failed: {}", server, e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (TimeoutException e) {
            f.cancel(true);
            LOG.warn("MCP upstream {} did not answer within {}", server, timeout);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static McpException unreachable(String server, IOException e) {
        LOG.warn("MCP upstream {} could not be called: {}", server, e.getMessage()); // e.g. its token endpoint refused
        if (e instanceof SocketTimeoutException) {
            return new McpException(504, JsonRpc.GATEWAY_ERROR, "upstream '" + server + "' did not answer in time");
        }
        return new McpException(502, JsonRpc.GATEWAY_ERROR, "upstream '" + server + "' is unreachable");
    }

    @Override
    public void close() {
        fanout.shutdownNow();
        upstreams.values().forEach(Upstream::close);
    }

    /** Pagination cursors of a merged listing: each unfinished upstream's own cursor, in one token. */
    static final class Cursors {

        private Cursors() {}

        static String encode(Map<String, String> next) {
            ObjectNode o = JsonRpc.NODES.objectNode();
            next.forEach(o::put);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JsonRpc.bytes(o));
        }

        static Map<String, String> decode(JsonNode cursor) {
            try {
                JsonNode o = JsonRpc.MAPPER.readTree(Base64.getUrlDecoder().decode(cursor.asText()));
                Map<String, String> out = new LinkedHashMap<>();
                if (o == null || !o.isObject()) {
                    throw McpException.invalidParams("invalid cursor");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isTextual()) {
                        throw McpException.invalidParams("invalid cursor");
                    }
                    out.put(e.getKey(), e.getValue().textValue());
                }
                return out;
            } catch (IOException | IllegalArgumentException e) {
                throw McpException.invalidParams("invalid cursor");
            }
        }
    }
}
