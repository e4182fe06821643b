package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.UpstreamHttp;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * An upstream MCP server spoken to over Streamable HTTP. Every request is built from scratch: the
 * configured headers, the upstream's own credential, session id and protocol version, and the
 * exchange's correlation id; never anything else the client sent (no token passthrough).
 *
 * <p>Calls go through the gateway's upstream client ({@link UpstreamHttp}): blocking, on the
 * exchange's virtual thread, pooled per origin. POSTs and DELETEs use {@code calls}, whose response
 * timeout is the backend's {@code requestTimeout}; the long-lived GET streams use {@code streams},
 * whose head may be held back until the first event.
 */
final class HttpUpstream implements Upstream {

    static final String CORRELATION_HEADER = "X-Correlation-Id";

    private final String name;
    private final URI uri;
    private final Map<String, String> headers;
    private final UpstreamCredential credential;
    private final UpstreamHttp calls;
    private final UpstreamHttp streams;

    HttpUpstream(McpServerConfig config, UpstreamCredential credential, UpstreamHttp calls, UpstreamHttp streams) {
        this.name = config.name();
        this.uri = URI.create(config.url());
        this.headers = Map.copyOf(config.headers());
        this.credential = credential;
        this.calls = calls;
        this.streams = streams;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Reply post(Requester requester, String sessionId, String version, byte[] message) throws IOException {
        Headers h = base(requester, sessionId, version);
        h.add("Content-Type", "application/json").add("Accept", "application/json, text/event-stream");
        return send(calls, "POST", h, Body.of(message), requester);
    }

    /** POSTs a request of the stateless revision 2026-07-28, with its headers mirroring the body. */
    Reply postStateless(Requester requester, byte[] message, String method, String name, Map<String, String> params)
            throws IOException {
        Headers h = base(requester, null, Stateless.VERSION);
        h.add("Content-Type", "application/json").add("Accept", "application/json, text/event-stream").add("Mcp-Method", method);
        if (name != null) {
            h.add("Mcp-Name", name);
        }
        params.forEach(h::add);
        return send(calls, "POST", h, Body.of(message), requester);
    }

    @Override
    public Reply get(Requester requester, String sessionId, String version, String lastEventId) throws IOException {
        Headers h = base(requester, sessionId, version).add("Accept", "text/event-stream");
        if (lastEventId != null) {
            h.add("Last-Event-ID", lastEventId);
        }
        return send(streams, "GET", h, Body.empty(), requester);
    }

    @Override
    public int delete(Requester requester, String sessionId, String version) throws IOException {
        try (Reply r = send(calls, "DELETE", base(requester, sessionId, version), Body.empty(), requester)) {
            return r.status();
        }
    }

    private Headers base(Requester requester, String sessionId, String version) throws IOException {
        Headers h = new Headers(8 + headers.size());
        headers.forEach(h::add);
        credential.apply(h, requester);
        if (requester.correlationId() != null) {
            h.add(CORRELATION_HEADER, requester.correlationId());
        }
        if (sessionId != null && !sessionId.isEmpty()) {
            h.add(SESSION_HEADER, sessionId);
        }
        if (version != null) {
            h.add(VERSION_HEADER, version);
        }
        return h;
    }

    private Reply send(UpstreamHttp client, String method, Headers h, Body body, Requester requester) throws IOException {
        UpstreamHttp.Reply r = client.send(method, uri, h, body);
        if (r.status() == 401) {
            credential.rejected(requester); // a cached token the upstream no longer takes: fetch a new one next time
        }
        Headers rh = r.headers();
        String type = rh.get("Content-Type");
        return new Reply(r.status(), type == null ? "" : type, rh.get(SESSION_HEADER), r.contentLength(), r.body());
    }
}
