package dev.portcullis.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * A small, real HTTP API on loopback that the bundled config proxies to, so a fresh
 * {@code ./portcullis} has something to route to without any other server. Not for production.
 *
 * <ul>
 *   <li>{@code GET /hello} — a JSON greeting</li>
 *   <li>{@code ANY /echo/...} — the request as JSON (method, path, query, headers, body up to 64 KiB)</li>
 *   <li>{@code GET /events?count=N&intervalMs=M} — N server-sent events, one every M ms</li>
 *   <li>{@code GET /status/{code}} — answers with that status</li>
 *   <li>{@code GET /slow?ms=N} — answers after N ms</li>
 *   <li>{@code GET /health} — 200</li>
 * </ul>
 */
public final class DemoUpstream implements AutoCloseable {

    private final HttpServer server;

    DemoUpstream(DemoUpstreamConfig config) throws IOException {
        server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hello", ex -> send(ex, 200, "application/json",
                "{\"message\":\"hello from the Portcullis demo upstream\",\"time\":\"" + Instant.now() + "\"}"));
        server.createContext("/health", ex -> send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/echo", this::echo);
        server.createContext("/events", this::events);
        server.createContext("/status/", ex -> {
            int code;
            try {
                code = Integer.parseInt(ex.getRequestURI().getPath().substring("/status/".length()));
            } catch (NumberFormatException e) {
                code = 400;
            }
            send(ex, code < 200 || code > 599 ? 400 : code, "application/json", "{\"status\":" + code + "}");
        });
        server.createContext("/slow", ex -> {
            long ms = Math.min(queryLong(ex, "ms", 1000), 60_000);
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "application/json", "{\"sleptMs\":" + ms + "}");
        });
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void echo(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(64 * 1024);
        }
        StringBuilder sb = new StringBuilder(256 + body.length);
        sb.append("{\"method\":").append(quote(ex.getRequestMethod()));
        sb.append(",\"path\":").append(quote(ex.getRequestURI().getRawPath()));
        sb.append(",\"query\":").append(quote(ex.getRequestURI().getRawQuery()));
        sb.append(",\"headers\":{");
        boolean first = true;
        for (var h : ex.getRequestHeaders().entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(h.getKey().toLowerCase(java.util.Locale.ROOT))).append(':').append(quote(String.join(", ", h.getValue())));
        }
        sb.append("},\"body\":").append(quote(new String(body, StandardCharsets.UTF_8))).append('}');
        send(ex, 200, "application/json", sb.toString());
    }

    private void events(HttpExchange ex) throws IOException {
        long count = Math.min(queryLong(ex, "count", 5), 10_000);
        long interval = Math.min(queryLong(ex, "intervalMs", 200), 10_000);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 1; i <= count; i++) {
                out.write(("id: " + i + "\nevent: tick\ndata: {\"n\":" + i + ",\"time\":\"" + Instant.now() + "\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i < count) {
                    Thread.sleep(interval);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away; stop sending
        }
    }

    private static long queryLong(HttpExchange ex, String name, long fallback) {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return fallback;
        }
        for (String pair : q.split("&")) {
            if (pair.startsWith(name + "=")) {
                try {
                    return Math.max(0, Long.parseLong(pair.substring(name.length() + 1)));
                } catch (NumberFormatException e) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
