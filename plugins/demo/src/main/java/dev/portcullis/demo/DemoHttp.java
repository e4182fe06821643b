package dev.portcullis.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.spi.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * What the demo servers share: a JDK {@link HttpServer} on virtual threads, bounded body reads and
 * JSON answers. The demo servers are small on purpose; none of this is used on the gateway's path.
 */
final class DemoHttp {

    /** Jackson for the demo servers; trailing garbage after a JSON document is an error. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Largest request body any demo server reads. */
    static final int MAX_BODY = 1 << 20;

    /** What the gateway accepts as a correlation id; anything else is not passed on. */
    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private DemoHttp() {
    }

    /**
     * Binds a server on {@code host:port} with one virtual thread per request, not yet started.
     *
     * @throws ConfigException naming {@code port} when the address cannot be bound
     */
    static HttpServer bind(String host, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return server;
        } catch (IOException e) {
            throw new ConfigException("port", "cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** The request body, or null when it is longer than {@link #MAX_BODY}. */
    static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            return bytes.length > MAX_BODY ? null : bytes;
        }
    }

    /** The body parsed as JSON, or null when it is not JSON (or too long). */
    static JsonNode jsonBody(HttpExchange ex) throws IOException {
        byte[] bytes = body(ex);
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The client's {@code X-Correlation-Id} when it is one the gateway would accept, else null. */
    static String correlationId(HttpExchange ex) {
        String id = ex.getRequestHeaders().getFirst("X-Correlation-Id");
        return id != null && CORRELATION_ID.matcher(id).matches() ? id : null;
    }

    /** Answers with {@code node} as JSON. */
    static void json(HttpExchange ex, int status, JsonNode node) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(node));
    }

    /** Answers with an RFC 9457 problem document. */
    static void problem(HttpExchange ex, int status, String code, String detail) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "urn:portcullis:demo:problem:" + code);
        p.put("status", status);
        p.put("detail", detail);
        send(ex, status, "application/problem+json", JSON.writeValueAsBytes(p));
    }

    /** 405 with {@code Allow}. */
    static void methodNotAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        problem(ex, 405, "method-not-allowed", "use " + allow);
    }

    /** Answers with exactly these bytes. */
    static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers with a UTF-8 text. */
    static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
