package dev.portcullis.plugins.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The auth policies inside the real gateway, over real HTTP, with YAML config binding. */
class AuthGatewayTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestUpstream upstream;
    static JwksServer jwks;
    static TestGateway gateway;
    static RSAKey key;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        jwks = new JwksServer();
        jwks.publish(List.of(key));
        upstream = TestUpstream.start().respond("/orders", 200, "application/json", "{\"orders\":[]}");
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                consumers:
                  - { name: support-agent, apiKeys: ["${SUPPORT_KEY}"], labels: { team: support } }
                  - { name: billing, apiKeys: ["sha256:%s"], labels: { team: billing } }
                policies:
                  agent-auth:
                    type: jwt
                    jwksUri: "%s"
                    issuer: https://idp.test
                    audience: portcullis
                    algorithms: RS256
                    jwksRefetchMinInterval: 1s
                routes:
                  - name: keyed
                    match: { pathPrefix: /keyed }
                    policies: [ { type: api-key }, { type: authorize, labels: { team: support } }, { type: test-identity-header } ]
                    backend: { type: http, stripPrefix: /keyed, targets: [ { url: "%s" } ] }
                  - name: tokens
                    match: { pathPrefix: /jwt }
                    policies: [ agent-auth, { type: authorize, scopes: [ "orders:write" ] }, { type: test-identity-header } ]
                    backend: { type: http, stripPrefix: /jwt, targets: [ { url: "%s" } ] }
                """.formatted(Digests.hex(Digests.sha256("billing-key")), jwks.uri(), upstream.url(), upstream.url()),
                Map.of("SUPPORT_KEY", "support-key"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        jwks.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(String scope) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().subject("support-agent").issuer("https://idp.test").audience("portcullis")
                        .expirationTime(Date.from(now.plusSeconds(300))).claim("scope", scope).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void apiKeyReachesUpstreamAsItsConsumerWithoutTheKey() throws Exception {
        HttpResponse<String> r = get("/keyed/orders", "X-API-Key", "support-key");

        assertThat(r.statusCode()).isEqualTo(200);
        TestUpstream.Received got = upstream.last();
        assertThat(got.header("X-Auth-Consumer")).isEqualTo("support-agent");
        assertThat(got.header("X-Auth-Method")).isEqualTo("api-key");
        assertThat(got.header("X-API-Key")).isNull();
    }

    @Test
    void missingKeyIs401ProblemJsonWithChallenge() throws Exception {
        HttpResponse<String> r = get("/keyed/orders");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("ApiKey header=\"X-API-Key\"");
        assertThat(r.body()).contains("\"type\":\"urn:portcullis:problem:credentials-missing\"");
    }

    @Test
    void wrongLabelIs403NamingTheRule() throws Exception {
        HttpResponse<String> r = get("/keyed/orders", "X-API-Key", "billing-key");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("urn:portcullis:problem:forbidden").contains("label team must be support");
    }

    @Test
    void jwtWithScopeReachesUpstreamAndWithoutIsRefused() throws Exception {
        HttpResponse<String> ok = get("/jwt/orders", "Authorization", "Bearer " + token("orders:read orders:write"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(upstream.last().header("X-Auth-Subject")).isEqualTo("support-agent");
        assertThat(upstream.last().header("X-Auth-Scopes")).isEqualTo("orders:read orders:write");

        HttpResponse<String> scopeless = get("/jwt/orders", "Authorization", "Bearer " + token("orders:read"));
        assertThat(scopeless.statusCode()).isEqualTo(403);
        assertThat(scopeless.body()).contains("missing scope orders:write");
        assertThat(scopeless.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");

        HttpResponse<String> forged = get("/jwt/orders", "Authorization", "Bearer " + token("orders:write") + "x");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(forged.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=\"invalid_token\"");
        assertThat(forged.body()).contains("urn:portcullis:problem:token-invalid");
    }
}
