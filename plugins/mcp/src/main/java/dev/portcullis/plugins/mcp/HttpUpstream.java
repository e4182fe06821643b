package dev.portcullis.plugins.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An upstream MCP server spoken to over Streamable HTTP. Every request is built from scratch: the
 * configured headers, the upstream's own credential, session id and protocol version, and the
 * exchange's correlation id; never anything else the client sent (no token passthrough).
 */
final class HttpUpstream implements Upstream {

    static final String CORRELATION_HEADER = "X-Correlation-Id";

    private final String name;
    private final URI uri;
    private final String[] headers;
    private final UpstreamCredential credential;
    private final HttpClient client;
    private final Duration timeout;

    HttpUpstream(McpServerConfig config, UpstreamCredential credential, HttpClient client, Duration timeout) {
        this.name = config.name();
        this.uri = URI.create(config.url());
        List<String> h = new ArrayList<>();
        for (Map.Entry<String, String> e : config.headers().entrySet()) {
            h.add(e.getKey());
            h.add(e.getValue());
        }
        this.headers = h.toArray(String[]::new);
        this.credential = credential;
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Reply post(Requester requester, String sessionId, String version, byte[] message) throws IOException {
        HttpRequest.Builder b = base(requester, sessionId, version).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        return send(b.build(), requester);
    }

    /** POSTs a request of the stateless revision 2026-07-28, with its headers mirroring the body. */
    Reply postStateless(Requester requester, byte[] message, String method, String name, java.util.Map<String, String> params)
            throws IOException {
        HttpRequest.Builder b = base(requester, null, Stateless.VERSION).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        if (name != null) {
            b.header("Mcp-Name", name);
        }
        params.forEach(b::header);
        return send(b.build(), requester);
    }

    @Override
    public Reply get(Requester requester, String sessionId, String version, String lastEventId) throws IOException {
        // no timeout: a server may hold a stream's headers back until its first event, which may be long
        HttpRequest.Builder b = base(requester, sessionId, version).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return send(b.build(), requester);
    }

    @Override
    public int delete(Requester requester, String sessionId, String version) throws IOException {
        try (Reply r = send(base(requester, sessionId, version).timeout(timeout).DELETE().build(), requester)) {
            return r.status();
        }
    }

    private HttpRequest.Builder base(Requester requester, String sessionId, String version) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (headers.length > 0) {
            b.headers(headers);
        }
        credential.apply(b, requester);
        if (requester.correlationId() != null) {
            b.header(CORRELATION_HEADER, requester.correlationId());
        }
        if (sessionId != null && !sessionId.isEmpty()) {
            b.header(SESSION_HEADER, sessionId);
        }
        if (version != null) {
            b.header(VERSION_HEADER, version);
        }
        return b;
    }

    private Reply send(HttpRequest request, Requester requester) throws IOException {
        try {
            HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() == 401) {
                credential.rejected(requester); // a cached token the upstream no longer takes: fetch a new one next time
            }
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue(SESSION_HEADER).orElse(null),
                    r.headers().firstValueAsLong("Content-Length").orElse(-1), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling upstream " + name);
        }
    }
}
