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
import java.util.Locale;
import java.util.Map;

/**
 * One upstream MCP server, spoken to over Streamable HTTP. Every request is built from scratch:
 * only the configured headers, the upstream's own session id and protocol version go out, never
 * anything the client sent (no token passthrough).
 */
final class Upstream {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";

    private final String name;
    private final URI uri;
    private final String[] headers;
    private final HttpClient client;
    private final Duration timeout;

    Upstream(McpServerConfig config, HttpClient client, Duration timeout) {
        this.name = config.name();
        this.uri = URI.create(config.url());
        List<String> h = new ArrayList<>();
        for (Map.Entry<String, String> e : config.headers().entrySet()) {
            h.add(e.getKey());
            h.add(e.getValue());
        }
        this.headers = h.toArray(String[]::new);
        this.client = client;
        this.timeout = timeout;
    }

    /** The configured name. */
    String name() {
        return name;
    }

    /** POSTs one JSON-RPC message (or batch). */
    Reply post(String sessionId, String version, byte[] message) throws IOException {
        HttpRequest.Builder b = base(sessionId, version)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        return send(b.build());
    }

    /** Opens the GET stream for server-initiated messages. */
    Reply get(String sessionId, String version) throws IOException {
        return send(base(sessionId, version).header("Accept", "text/event-stream").GET().build());
    }

    /** Ends the upstream session; returns the HTTP status. */
    int delete(String sessionId, String version) throws IOException {
        try (Reply r = send(base(sessionId, version).DELETE().build())) {
            return r.status();
        }
    }

    private HttpRequest.Builder base(String sessionId, String version) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (sessionId != null && !sessionId.isEmpty()) {
            b.header(SESSION_HEADER, sessionId);
        }
        if (version != null) {
            b.header(VERSION_HEADER, version);
        }
        return b;
    }

    private Reply send(HttpRequest request) throws IOException {
        try {
            HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue(SESSION_HEADER).orElse(null),
                    r.headers().firstValueAsLong("Content-Length").orElse(-1), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling upstream " + name);
        }
    }

    /** An upstream answer whose body is still unread; close it to release the connection. */
    record Reply(int status, String contentType, String sessionId, long length, InputStream body) implements AutoCloseable {

        boolean isEventStream() {
            return contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        }

        boolean isJson() {
            return contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is released either way
            }
        }
    }
}
