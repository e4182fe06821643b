package dev.portcullis.kernel.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP upstream for tests (the JDK's HTTP server on a loopback ephemeral port, one virtual
 * thread per request). Records every request it receives.
 */
public final class TestUpstream implements AutoCloseable {

    /** A request as the upstream received it. */
    public record Received(String method, String rawPath, String rawQuery, com.sun.net.httpserver.Headers headers, byte[] body) {
        /** First value of a header, or null. */
        public String header(String name) {
            return headers.getFirst(name);
        }

        /** The body as UTF-8. */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestUpstream(HttpServer server) {
        this.server = server;
    }

    /** Starts an upstream with no contexts yet. */
    public static TestUpstream start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.start();
            return new TestUpstream(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Handles {@code path} (a prefix) with {@code handler}; the request body is read and recorded first. */
    public TestUpstream handle(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), ex.getRequestHeaders(), body));
            try {
                handler.handle(ex);
            } finally {
                ex.close();
            }
        });
        return this;
    }

    /** Handles {@code path} without reading or recording the body (for streaming uploads). */
    public TestUpstream handleRaw(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    /** Answers {@code path} with a fixed response. */
    public TestUpstream respond(String path, int status, String contentType, String body) {
        return handle(path, ex -> send(ex, status, contentType, body));
    }

    /** Sends a complete response. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received so far. */
    public List<Received> received() {
        return received;
    }

    /** The last request received. */
    public Received last() {
        return received.get(received.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
