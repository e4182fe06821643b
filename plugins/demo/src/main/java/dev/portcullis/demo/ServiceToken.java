package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The demo MCP servers' own access token, got with the client-credentials grant and kept until
 * shortly before it expires. It is the servers' credential towards the APIs; the agent's token
 * never reaches them (the gateway does not pass client tokens to MCP servers).
 */
final class ServiceToken {

    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI tokenUrl;
    private final String basic;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile String token;
    private volatile long expiresAtNanos;

    ServiceToken(HttpClient http, URI tokenUrl, String clientId, String clientSecret, Duration timeout) {
        this.http = http;
        this.tokenUrl = tokenUrl;
        // RFC 6749 §2.3.1: form-encode both parts before they go into the Basic header
        this.basic = "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
    }

    /** A token valid for at least a little while. */
    String get() throws IOException {
        String current = token;
        if (current != null && System.nanoTime() < expiresAtNanos) {
            return current;
        }
        lock.lock();
        try {
            if (token != null && System.nanoTime() < expiresAtNanos) {
                return token;
            }
            return fetch();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code rejected}, so that the next {@link #get} fetches a new token. */
    void invalidate(String rejected) {
        lock.lock();
        try {
            if (rejected.equals(token)) {
                token = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private String fetch() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while getting a token");
        }
        if (r.statusCode() != 200) {
            throw new IOException("the token endpoint answered HTTP " + r.statusCode());
        }
        JsonNode body = DemoHttp.JSON.readTree(r.body());
        String access = body.path("access_token").asText(null);
        if (access == null) {
            throw new IOException("the token endpoint's answer has no access_token");
        }
        long lifetime = Math.max(0, body.path("expires_in").asLong(60) - MARGIN.toSeconds());
        expiresAtNanos = System.nanoTime() + Duration.ofSeconds(lifetime).toNanos();
        token = access;
        return access;
    }
}
