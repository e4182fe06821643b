package dev.portcullis.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.spi.ConfigException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A demo OAuth 2.0 authorization server on loopback that issues signed JWT access tokens with the
 * client-credentials grant, so the demo agent (and the demo MCP servers) have real tokens for the
 * gateway's {@code jwt} policies to verify. The signing key is generated at start and lives only
 * in memory: restarting the gateway invalidates every token. Not for production.
 *
 * <ul>
 *   <li>{@code POST /token} — {@code grant_type=client_credentials}, client authentication by HTTP
 *       Basic or {@code client_id}/{@code client_secret} in the form; optional {@code scope} and
 *       {@code resource} (RFC 8707) narrow the token to some of the client's scopes and audiences</li>
 *   <li>{@code GET /.well-known/jwks.json} — the public key</li>
 *   <li>{@code GET /.well-known/oauth-authorization-server} — RFC 8414 metadata</li>
 * </ul>
 */
public final class DemoIssuer implements AutoCloseable {

    private final HttpServer server;
    private final String issuer;
    private final JWSAlgorithm algorithm;
    private final JWK key;
    private final JWSSigner signer;
    private final byte[] jwks;
    private final long ttlSeconds;
    private final Map<String, DemoIssuerConfig.Client> clients = new HashMap<>();

    DemoIssuer(DemoIssuerConfig config) {
        try {
            algorithm = JWSAlgorithm.parse(config.algorithm());
            String kid = "demo-" + UUID.randomUUID().toString().substring(0, 8);
            if (algorithm.equals(JWSAlgorithm.ES256)) {
                var ec = new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).generate();
                key = ec;
                signer = new ECDSASigner(ec);
            } else {
                var rsa = new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).generate();
                key = rsa;
                signer = new RSASSASigner(rsa);
            }
        } catch (JOSEException e) {
            throw new ConfigException("algorithm", "cannot generate a " + config.algorithm() + " key: " + e.getMessage());
        }
        jwks = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        ttlSeconds = config.tokenTtl().toSeconds();
        config.clients().forEach(c -> clients.put(c.id(), c));
        server = DemoHttp.bind(config.host(), config.port());
        issuer = config.issuer() != null ? config.issuer() : "http://" + config.host() + ":" + server.getAddress().getPort();
        server.createContext("/token", this::token);
        server.createContext("/.well-known/jwks.json", ex -> DemoHttp.send(ex, 200, "application/json", jwks));
        server.createContext("/.well-known/oauth-authorization-server", this::metadata);
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The {@code iss} of the tokens. */
    public String issuer() {
        return issuer;
    }

    private void metadata(HttpExchange ex) throws IOException {
        ObjectNode m = DemoHttp.JSON.createObjectNode();
        m.put("issuer", issuer);
        String base = "http://" + ex.getLocalAddress().getHostString() + ":" + port();
        m.put("token_endpoint", base + "/token");
        m.put("jwks_uri", base + "/.well-known/jwks.json");
        m.putArray("grant_types_supported").add("client_credentials");
        m.putArray("token_endpoint_auth_methods_supported").add("client_secret_basic").add("client_secret_post");
        m.putArray("response_types_supported");
        ArrayNode scopes = m.putArray("scopes_supported");
        clients.values().stream().flatMap(c -> c.scopes().stream()).distinct().sorted().forEach(scopes::add);
        DemoHttp.json(ex, 200, m);
    }

    private void token(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            oauthError(ex, 405, "invalid_request", "use POST");
            return;
        }
        byte[] raw = DemoHttp.body(ex);
        if (raw == null) {
            oauthError(ex, 413, "invalid_request", "request too large");
            return;
        }
        Map<String, List<String>> form = form(new String(raw, StandardCharsets.UTF_8));
        if (!"client_credentials".equals(first(form, "grant_type"))) {
            oauthError(ex, 400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
            return;
        }
        DemoIssuerConfig.Client client = authenticate(ex, form);
        if (client == null) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"demo-issuer\"");
            oauthError(ex, 401, "invalid_client", "unknown client or wrong secret");
            return;
        }
        List<String> scopes = client.scopes();
        String requested = first(form, "scope");
        if (requested != null && !requested.isBlank()) {
            scopes = List.of(requested.strip().split("\\s+"));
            for (String s : scopes) {
                if (!client.scopes().contains(s)) {
                    oauthError(ex, 400, "invalid_scope", "scope '" + s + "' is not granted to this client");
                    return;
                }
            }
        }
        List<String> audience = client.audience();
        List<String> resources = form.getOrDefault("resource", List.of());
        if (!resources.isEmpty()) {
            for (String r : resources) {
                if (!client.audience().contains(r)) {
                    oauthError(ex, 400, "invalid_target", "resource '" + r + "' is not available to this client");
                    return;
                }
            }
            audience = resources;
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(client.subject())
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(ttlSeconds)))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", client.id());
        if (!scopes.isEmpty()) {
            claims.claim("scope", String.join(" ", scopes));
        }
        client.claims().forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            oauthError(ex, 500, "server_error", "signing failed");
            return;
        }
        ObjectNode answer = DemoHttp.JSON.createObjectNode();
        answer.put("access_token", jwt.serialize());
        answer.put("token_type", "Bearer");
        answer.put("expires_in", ttlSeconds);
        if (!scopes.isEmpty()) {
            answer.put("scope", String.join(" ", scopes));
        }
        DemoHttp.json(ex, 200, answer);
    }

    /** The client named by HTTP Basic or by the form, if its secret matches; else null. */
    private DemoIssuerConfig.Client authenticate(HttpExchange ex, Map<String, List<String>> form) {
        String id = first(form, "client_id");
        String secret = first(form, "client_secret");
        String authorization = ex.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            // RFC 6749 §2.3.1: both parts are form-encoded before they go into the Basic header
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
        if (id == null || secret == null) {
            return null;
        }
        DemoIssuerConfig.Client client = clients.get(id);
        if (client == null) {
            return null;
        }
        boolean match = MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
        return match ? client : null;
    }

    private static Map<String, List<String>> form(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return form;
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static void oauthError(HttpExchange ex, int status, String error, String description) throws IOException {
        ObjectNode e = DemoHttp.JSON.createObjectNode();
        e.put("error", error);
        e.put("error_description", description);
        DemoHttp.json(ex, status, e);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
