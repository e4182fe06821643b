package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway as an OAuth 2.0 client of an authorization server, getting tokens for one upstream:
 * the client credentials grant (one token for the gateway itself) or RFC 8693 token exchange (one
 * token per client token, issued for the upstream's audience; the client's own token only ever
 * goes to the authorization server). Tokens are cached until {@code refreshBefore} their expiry.
 */
final class TokenEndpoint {

    static final String EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final int MAX_CACHED = 10_000;
    /** When the server gives no {@code expires_in}: a short life, so a revoked token does not live on. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private record Cached(String token, Instant refreshAt) {}

    private final UpstreamAuthConfig config;
    private final boolean exchange;
    private final HttpClient client;
    private final Clock clock;
    private final URI uri;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final ReentrantLock fetching = new ReentrantLock();

    TokenEndpoint(UpstreamAuthConfig config, HttpClient client, Clock clock) {
        this.config = config;
        this.exchange = config.type().equals("token-exchange");
        this.client = client;
        this.clock = clock;
        this.uri = URI.create(config.tokenUrl());
    }

    /** A token for the upstream, on behalf of {@code requester} for token exchange. */
    String token(Requester requester) throws IOException {
        String key = key(requester);
        Cached c = cache.get(key);
        if (c != null && clock.instant().isBefore(c.refreshAt())) {
            return c.token();
        }
        if (exchange) {
            return fetch(key, requester); // per client token: concurrent first uses may both fetch; harmless
        }
        fetching.lock(); // the one gateway token: fetched once however many requests need it
        try {
            c = cache.get(key);
            return c != null && clock.instant().isBefore(c.refreshAt()) ? c.token() : fetch(key, requester);
        } finally {
            fetching.unlock();
        }
    }

    /** Forgets the cached token used for {@code requester}. */
    void forget(Requester requester) {
        try {
            cache.remove(key(requester));
        } catch (IOException ignored) {
            // nothing was cached for a requester without a token
        }
    }

    private String key(Requester requester) throws IOException {
        if (!exchange) {
            return "";
        }
        if (requester.subjectToken() == null) {
            throw new IOException("token exchange needs the client's validated bearer token: put a jwt or "
                    + "oauth2-introspection policy before the mcp backend");
        }
        try {
            // the cache key is a digest: the map never holds client tokens
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(requester.subjectToken().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String fetch(String key, Requester requester) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        if (exchange) {
            form.put("grant_type", EXCHANGE_GRANT);
            form.put("subject_token", requester.subjectToken());
            form.put("subject_token_type", UpstreamAuthConfig.ACCESS_TOKEN_TYPE);
            form.put("requested_token_type", config.requestedTokenType());
        } else {
            form.put("grant_type", "client_credentials");
        }
        put(form, "scope", config.scope());
        put(form, "audience", config.audience());
        put(form, "resource", config.resource());
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (config.clientAuth().equals("basic")) {
            String pair = encode(config.clientId()) + ":" + encode(config.clientSecret());
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", config.clientId());
            form.put("client_secret", config.clientSecret());
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        HttpResponse<byte[]> r;
        try {
            r = client.send(b.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching an upstream token");
        }
        JsonNode answer;
        try {
            answer = JsonRpc.MAPPER.readTree(r.body());
        } catch (IOException e) {
            answer = null;
        }
        if (r.statusCode() != 200 || answer == null || !answer.path("access_token").isTextual()) {
            String error = answer == null ? "" : answer.path("error").asText("");
            throw new IOException("the token endpoint answered HTTP " + r.statusCode() + (error.isEmpty() ? "" : " " + error));
        }
        String tokenType = answer.path("token_type").asText("Bearer");
        if (!tokenType.equalsIgnoreCase("bearer") && !tokenType.equalsIgnoreCase("N_A")) {
            throw new IOException("the token endpoint issued a " + tokenType + " token; only bearer tokens are supported");
        }
        String token = answer.get("access_token").textValue();
        Duration life = answer.path("expires_in").canConvertToLong() && answer.path("expires_in").asLong() > 0
                ? Duration.ofSeconds(answer.path("expires_in").asLong()) : DEFAULT_LIFETIME;
        Duration early = config.refreshBefore().compareTo(life.dividedBy(2)) > 0 ? life.dividedBy(2) : config.refreshBefore();
        if (cache.size() >= MAX_CACHED) {
            Instant now = clock.instant();
            cache.values().removeIf(c -> !now.isBefore(c.refreshAt()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(key, new Cached(token, clock.instant().plus(life).minus(early)));
        return token;
    }

    private static void put(Map<String, String> form, String k, String v) {
        if (v != null && !v.isBlank()) {
            form.put(k, v);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
