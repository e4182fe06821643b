package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * An upstream that speaks only the stateless revision 2026-07-28 ({@code stateless: true}),
 * behind the same {@link Upstream} face as a session-based one, so the {@link Federation} needs no
 * second code path: the gateway's {@code initialize} becomes {@code server/discover} (its result
 * reshaped into an initialize result), every request gets the revision's {@code _meta} and
 * {@code MCP-Protocol-Version} / {@code Mcp-Method} / {@code Mcp-Name} headers, and what the
 * revision removed ({@code ping}, {@code logging/setLevel}, notifications, GET and DELETE) is
 * answered here without a call. Change notifications ({@code subscriptions/listen}) and multi
 * round-trip results are not bridged to session clients. Arguments its tools annotate with
 * {@code x-mcp-header} are mirrored into {@code Mcp-Param-*} headers, as the revision requires of clients.
 */
final class StatelessUpstream implements Upstream {

    private static final Set<String> NAMED = Set.of("tools/call", "resources/read", "prompts/get");

    private final HttpUpstream http;
    private final String clientVersion;
    /** The x-mcp-header annotations of this server's tools (by its own tool names), from listings. */
    private final ParamHeaders params = new ParamHeaders();

    StatelessUpstream(HttpUpstream http, String clientVersion) {
        this.http = http;
        this.clientVersion = clientVersion;
    }

    @Override
    public String name() {
        return http.name();
    }

    @Override
    public Reply post(Requester requester, String sessionId, String version, byte[] message) throws IOException {
        JsonNode m = JsonRpc.MAPPER.readTree(message);
        if (m == null || JsonRpc.kind(m) != JsonRpc.Kind.REQUEST) {
            return new Reply(202, "", null, 0, InputStream.nullInputStream()); // this revision takes no notifications over HTTP
        }
        String method = m.get("method").textValue();
        JsonNode id = m.get("id");
        if (method.equals("ping") || method.equals("logging/setLevel")) {
            return json(JsonRpc.result(id, JsonRpc.NODES.objectNode())); // removed in 2026-07-28: nothing to do upstream
        }
        boolean initialize = method.equals("initialize");
        ObjectNode out = initialize ? JsonRpc.request(id, "server/discover", JsonRpc.NODES.objectNode()) : ((ObjectNode) m).deepCopy();
        ObjectNode params = out.get("params") instanceof ObjectNode p ? p : out.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode x ? x : params.putObject("_meta");
        meta.put(Stateless.META_VERSION, Stateless.VERSION);
        meta.putObject(Stateless.META_CAPABILITIES); // the gateway answers no input requests for its clients
        meta.putObject(Stateless.META_CLIENT).put("name", "portcullis").put("version", clientVersion);
        String outMethod = out.get("method").textValue();
        String name = null;
        if (NAMED.contains(outMethod)) {
            JsonNode target = params.path(outMethod.equals("resources/read") ? "uri" : "name");
            name = target.isTextual() ? headerValue(target.textValue()) : null;
        }
        Map<String, String> mirrored = outMethod.equals("tools/call")
                ? this.params.headersFor(params.path("name").asText(), params.path("arguments")) : Map.of();
        Reply r = http.postStateless(requester, JsonRpc.bytes(out), outMethod, name, mirrored);
        if (!initialize || !r.ok()) {
            return r;
        }
        return json(initializeResult(id, Federation.readResponseOf(name(), r, id)));
    }

    /** A {@code DiscoverResult} in the shape of an initialize result, for the federation. */
    private static ObjectNode initializeResult(JsonNode id, JsonNode discovered) throws IOException {
        JsonNode d = discovered.get("result");
        if (d == null || !d.isObject()) {
            throw new IOException("server/discover failed: " + discovered.path("error").path("message").asText("no result"));
        }
        boolean speaks = false;
        for (JsonNode v : d.path("supportedVersions")) {
            speaks |= Stateless.VERSION.equals(v.asText());
        }
        if (!speaks) {
            throw new IOException("the server does not support " + Stateless.VERSION);
        }
        ObjectNode result = JsonRpc.NODES.objectNode();
        result.put("protocolVersion", Stateless.VERSION);
        result.set("capabilities", d.path("capabilities").isObject() ? d.get("capabilities") : JsonRpc.NODES.objectNode());
        JsonNode info = d.path("_meta").path(Stateless.META_SERVER);
        result.set("serverInfo", info.isObject() ? info : JsonRpc.NODES.objectNode().put("name", "unknown").put("version", "0"));
        if (d.path("instructions").isTextual()) {
            result.set("instructions", d.get("instructions"));
        }
        return JsonRpc.result(id, result);
    }

    /** Learns the {@code x-mcp-header} annotations of one of this server's tools, from a listing. */
    void learn(String tool, JsonNode inputSchema) {
        params.learn(tool, inputSchema);
    }

    /** A header-safe value, or the revision's Base64 sentinel form. */
    static String headerValue(String v) {
        boolean safe = !v.isEmpty() && !v.startsWith(" ") && !v.endsWith(" ") && !(v.startsWith("=?base64?") && v.endsWith("?="));
        for (int i = 0; safe && i < v.length(); i++) {
            char c = v.charAt(i);
            safe = c == '\t' || c >= 0x20 && c <= 0x7e;
        }
        return safe ? v : "=?base64?" + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    @Override
    public Reply get(Requester requester, String sessionId, String version, String lastEventId) {
        return new Reply(405, "", null, 0, InputStream.nullInputStream()); // no GET stream in this revision
    }

    @Override
    public int delete(Requester requester, String sessionId, String version) {
        return 200; // no session to end
    }

    private static Reply json(JsonNode m) {
        byte[] b = JsonRpc.bytes(m);
        return new Reply(200, "application/json", null, b.length, new ByteArrayInputStream(b));
    }
}
