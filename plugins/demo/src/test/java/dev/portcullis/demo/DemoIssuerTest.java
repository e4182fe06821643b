package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.testkit.CollectingConfigErrors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoIssuerTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final DemoIssuerConfig.Client AGENT = new DemoIssuerConfig.Client("support-agent", "agent-secret-1", "agent-7",
            List.of("http://gw/mcp", "http://gw/v1"), "mcp:tools llm:chat",
            Map.of("agent_id", "support-bot", "authorized_tasks", List.of("customer-support")));

    static DemoIssuer rsa;
    static DemoIssuer ec;

    @BeforeAll
    static void start() {
        rsa = new DemoIssuer(new DemoIssuerConfig("127.0.0.1", 0, null, null, null, List.of(AGENT)));
        ec = new DemoIssuer(new DemoIssuerConfig("127.0.0.1", 0, "https://idp.demo", "ES256", Duration.ofMinutes(5), List.of(AGENT)));
    }

    @AfterAll
    static void stop() {
        rsa.close();
        ec.close();
    }

    static HttpResponse<String> token(DemoIssuer issuer, String authorization, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuer.port() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static JWTClaimsSet verified(DemoIssuer issuer, String token) throws Exception {
        String jwks = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuer.port() + "/.well-known/jwks.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        JWK key = JWKSet.parse(jwks).getKeys().getFirst();
        assertThat(key.isPrivate()).isFalse();
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
        boolean ok = key.getKeyType().getValue().equals("EC")
                ? jwt.verify(new ECDSAVerifier(key.toECKey())) : jwt.verify(new RSASSAVerifier(key.toRSAKey()));
        assertThat(ok).isTrue();
        return jwt.getJWTClaimsSet();
    }

    @Test
    void issuesASignedTokenWithTheClientsClaimsVerifiableWithTheJwks() throws Exception {
        HttpResponse<String> r = token(rsa, basic("support-agent", "agent-secret-1"), "grant_type=client_credentials");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = DemoHttp.JSON.readTree(r.body());
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(3600);
        JWTClaimsSet claims = verified(rsa, body.path("access_token").asText());
        assertThat(SignedJWT.parse(body.path("access_token").asText()).getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(claims.getIssuer()).isEqualTo("http://127.0.0.1:" + rsa.port());
        assertThat(claims.getSubject()).isEqualTo("agent-7");
        assertThat(claims.getAudience()).containsExactly("http://gw/mcp", "http://gw/v1");
        assertThat(claims.getStringClaim("scope")).isEqualTo("mcp:tools llm:chat");
        assertThat(claims.getStringClaim("agent_id")).isEqualTo("support-bot");
        assertThat(claims.getStringListClaim("authorized_tasks")).containsExactly("customer-support");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(3_600_000);
    }

    @Test
    void scopeAndResourceNarrowTheTokenToWhatTheClientMayHave() throws Exception {
        HttpResponse<String> r = token(ec, null, "grant_type=client_credentials&client_id=support-agent&client_secret=agent-secret-1"
                + "&scope=mcp%3Atools&resource=http%3A%2F%2Fgw%2Fmcp");
        assertThat(r.statusCode()).isEqualTo(200);
        JWTClaimsSet claims = verified(ec, DemoHttp.JSON.readTree(r.body()).path("access_token").asText());
        assertThat(claims.getIssuer()).isEqualTo("https://idp.demo");
        assertThat(claims.getAudience()).containsExactly("http://gw/mcp");
        assertThat(claims.getStringClaim("scope")).isEqualTo("mcp:tools");

        HttpResponse<String> badScope = token(ec, basic("support-agent", "agent-secret-1"), "grant_type=client_credentials&scope=admin");
        assertThat(badScope.statusCode()).isEqualTo(400);
        assertThat(badScope.body()).contains("\"error\":\"invalid_scope\"", "admin");
        HttpResponse<String> badTarget = token(ec, basic("support-agent", "agent-secret-1"),
                "grant_type=client_credentials&resource=http%3A%2F%2Fother%2Fapi");
        assertThat(badTarget.statusCode()).isEqualTo(400);
        assertThat(badTarget.body()).contains("\"error\":\"invalid_target\"");
    }

    @Test
    void refusesWrongSecretsUnknownClientsAndOtherGrants() throws Exception {
        HttpResponse<String> wrong = token(rsa, basic("support-agent", "agent-secret-2"), "grant_type=client_credentials");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"demo-issuer\"");
        assertThat(wrong.body()).contains("\"error\":\"invalid_client\"");
        assertThat(token(rsa, basic("nobody", "agent-secret-1"), "grant_type=client_credentials").statusCode()).isEqualTo(401);
        assertThat(token(rsa, null, "grant_type=client_credentials").statusCode()).isEqualTo(401);
        HttpResponse<String> grant = token(rsa, basic("support-agent", "agent-secret-1"), "grant_type=password&username=a&password=b");
        assertThat(grant.statusCode()).isEqualTo(400);
        assertThat(grant.body()).contains("unsupported_grant_type");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rsa.port() + "/token")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void publishesAuthorizationServerMetadata() throws Exception {
        JsonNode m = DemoHttp.JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ec.port() + "/.well-known/oauth-authorization-server")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(m.path("issuer").asText()).isEqualTo("https://idp.demo");
        assertThat(m.path("token_endpoint").asText()).isEqualTo("http://127.0.0.1:" + ec.port() + "/token");
        assertThat(m.path("grant_types_supported").get(0).asText()).isEqualTo("client_credentials");
        assertThat(m.path("scopes_supported").toString()).isEqualTo("[\"llm:chat\",\"mcp:tools\"]");
    }

    @Test
    void validationNamesEveryProblem() {
        var bad = new DemoIssuerConfig("127.0.0.1", 70000, "not a url", "HS256", Duration.ZERO, List.of(
                new DemoIssuerConfig.Client("a", "short", null, null, null, Map.of("iss", "x")),
                new DemoIssuerConfig.Client("a", "long-enough", null, null, null, null)));
        assertThat(CollectingConfigErrors.of(bad)).containsExactlyInAnyOrder(
                "port: must be between 0 and 65535",
                "algorithm: must be RS256 or ES256, not 'HS256'",
                "tokenTtl: must be between 1s and 1d",
                "issuer: not a URL: Illegal character in path at index 3: not a url",
                "clients[0].secret: required, at least 8 characters",
                "clients[0].claims.iss: set by the issuer itself (use subject, audience or scope)",
                "clients[1].id: duplicate client id 'a'");
        assertThat(CollectingConfigErrors.of(new DemoIssuerConfig(null, null, null, null, null, null)))
                .containsExactly("clients: at least one client is needed");
    }
}
