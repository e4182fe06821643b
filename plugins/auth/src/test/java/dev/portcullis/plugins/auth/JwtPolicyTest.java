package dev.portcullis.plugins.auth;

import static dev.portcullis.testkit.Verdicts.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestExchange;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwtPolicyTest {

    private static final String ISSUER = "https://idp.test";
    private static final String HMAC_SECRET = "a-shared-secret-of-at-least-32-bytes!!";
    private static RSAKey k1;
    private static RSAKey k2;
    private static RSAKey k3;
    private static ECKey ec;

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T12:00:00Z"));
    private final Consumers consumers = new Consumers(List.of(new Consumer("support-agent", Map.of("team", "support"), null)));
    private JwksServer jwks;
    private JwtPolicy policy;

    @BeforeAll
    static void keys() throws Exception {
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        k3 = new RSAKeyGenerator(2048).keyID("k3").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec1").generate();
    }

    @BeforeEach
    void start() throws Exception {
        jwks = new JwksServer();
        jwks.publish(List.of(k1));
    }

    @AfterEach
    void stop() {
        if (policy != null) {
            policy.close();
        }
        jwks.close();
    }

    private JwtConfigBuilder config() {
        return new JwtConfigBuilder().jwks(jwks.uri()).issuer(ISSUER).audience("portcullis", "other").algorithms("RS256", "ES256");
    }

    private Policy policy(JwtConfigBuilder config) {
        if (policy != null) {
            policy.close();
        }
        policy = JwtPolicyFactory.create(config.build(), consumers, clock);
        return policy;
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().subject("support-agent").issuer(ISSUER).audience("portcullis")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("scope", "orders:read orders:write").claim("tenant", "acme");
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
        return sign(JWSAlgorithm.RS256, key.getKeyID(), new RSASSASigner(key), claims);
    }

    private TestExchange request(String token) {
        return TestExchange.get("/orders", "Authorization", "Bearer " + token).clock(clock);
    }

    /** Asserts a 401 token-invalid whose description contains {@code reason}. */
    private void assertRejected(Policy p, String token, String reason) {
        TestExchange exchange = request(token);
        Failure f = failureOf(p.onRequest(exchange));
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.code()).isEqualTo("token-invalid");
        assertThat(f.detail()).contains(reason);
        assertThat(f.headers().get("WWW-Authenticate"))
                .startsWith("Bearer error=\"invalid_token\", error_description=\"").contains(reason);
        assertThat(exchange.identity()).isEmpty();
    }

    @Test
    void validTokenFromJwksEstablishesTheIdentity() throws Exception {
        Policy p = policy(config());
        TestExchange exchange = request(rs256(k1, claims().build()));

        assertThat(p.onRequest(exchange)).isInstanceOf(Verdict.Proceed.class);

        Identity id = exchange.identity().orElseThrow();
        assertThat(id.method()).isEqualTo("jwt");
        assertThat(id.subject()).isEqualTo("support-agent");
        assertThat(id.issuer()).isEqualTo(ISSUER);
        assertThat(id.scopes()).containsExactlyInAnyOrder("orders:read", "orders:write");
        assertThat(id.claim("tenant")).isEqualTo("acme");
        assertThat(id.consumer()).isEqualTo("support-agent");
        assertThat(id.labels()).containsEntry("team", "support");
        assertThat(exchange.request().headers().get("Authorization")).as("forwarded upstream").startsWith("Bearer ");
        assertThat(jwks.fetches()).isEqualTo(1);
    }

    @Test
    void scpListIsReadWhenScopeIsAbsentAndUnknownSubjectsHaveNoConsumer() throws Exception {
        Policy p = policy(config());
        JWTClaimsSet c = claims().subject("someone-else").claim("scope", null).claim("scp", List.of("a", "b")).build();
        TestExchange exchange = request(rs256(k1, c));

        assertThat(p.onRequest(exchange)).isInstanceOf(Verdict.Proceed.class);
        assertThat(exchange.identity().orElseThrow().scopes()).containsExactlyInAnyOrder("a", "b");
        assertThat(exchange.identity().orElseThrow().consumer()).isNull();
    }

    @Test
    void rotatedKeyIsAcceptedAfterOneRateLimitedRefetch() throws Exception {
        Policy p = policy(config().refetchMinInterval(Duration.ofSeconds(30)));
        assertThat(jwks.fetches()).as("fetched at creation").isEqualTo(1);
        assertThat(p.onRequest(request(rs256(k1, claims().build())))).isInstanceOf(Verdict.Proceed.class);

        jwks.publish(List.of(k1, k2));
        clock.advance(Duration.ofSeconds(1));
        // The last fetch was 1 s ago: the unknown kid does not cause another one yet.
        assertRejected(p, rs256(k2, claims().build()), "unknown key id 'k2'");
        assertThat(jwks.fetches()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(p.onRequest(request(rs256(k2, claims().build())))).isInstanceOf(Verdict.Proceed.class);
        assertThat(jwks.fetches()).isEqualTo(2);

        // A flood of made-up kids costs at most one fetch per interval.
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 5; i++) {
            assertRejected(p, rs256(k3, claims().claim("n", i).build()), "unknown key id 'k3'");
        }
        assertThat(jwks.fetches()).isEqualTo(3);
        // Known keys never refetch.
        assertThat(p.onRequest(request(rs256(k1, claims().claim("n", 9).build())))).isInstanceOf(Verdict.Proceed.class);
        assertThat(jwks.fetches()).isEqualTo(3);
    }

    @Test
    void keySetIsFetchedAgainAfterItsTtlAndRemovedKeysStopWorking() throws Exception {
        Policy p = policy(config().jwksCacheTtl(Duration.ofMinutes(10)));
        assertThat(p.onRequest(request(rs256(k1, claims().build())))).isInstanceOf(Verdict.Proceed.class);

        jwks.publish(List.of(k2));
        clock.advance(Duration.ofMinutes(11));
        assertRejected(p, rs256(k1, claims().build()), "unknown key id 'k1'");
        assertThat(jwks.fetches()).isEqualTo(2);
    }

    @Test
    void unsignedTokenIsRejected() throws Exception {
        Policy p = policy(config());
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode(claims().build().toString()).toString();
        assertRejected(p, header + "." + payload + ".", "alg none");
        assertRejected(p, header + "." + payload + "." + rs256(k1, claims().build()).split("\\.")[2], "alg none");
    }

    @Test
    void hmacTokenSignedWithThePublicKeyIsRejected() throws Exception {
        // The classic confusion attack: HS256 keyed with the RSA public key the attacker can download.
        byte[] publicDer = k1.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicDer) + "\n-----END PUBLIC KEY-----\n";
        String forgedWithPem = sign(JWSAlgorithm.HS256, "k1", new MACSigner(pem.getBytes(StandardCharsets.UTF_8)), claims().build());
        String forgedWithDer = sign(JWSAlgorithm.HS256, "k1", new MACSigner(publicDer), claims().build());

        Policy rsaOnly = policy(config().staticKeys(pem));
        assertRejected(rsaOnly, forgedWithPem, "algorithm HS256 is not accepted");

        // Even with HS256 allowed, an HS token is only ever checked against the HMAC secret.
        Policy mixed = policy(config().staticKeys(pem).algorithms("RS256", "HS256").hmacSecret(HMAC_SECRET));
        assertRejected(mixed, forgedWithPem, "signature is invalid");
        assertRejected(mixed, forgedWithDer, "signature is invalid");
        String genuine = sign(JWSAlgorithm.HS256, null, new MACSigner(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)), claims().build());
        assertThat(mixed.onRequest(request(genuine))).isInstanceOf(Verdict.Proceed.class);
    }

    @Test
    void timeIssuerAudienceAndRequiredClaimsAreEnforced() throws Exception {
        Policy p = policy(config().requiredClaims("tenant"));
        Instant now = clock.instant();
        assertRejected(p, rs256(k1, claims().expirationTime(Date.from(now.minusSeconds(3600))).build()), "token expired at");
        assertRejected(p, rs256(k1, claims().notBeforeTime(Date.from(now.plusSeconds(3600))).build()), "not valid before");
        assertRejected(p, rs256(k1, claims().issuer("https://evil.test").build()), "issuer 'https://evil.test' is not accepted");
        assertRejected(p, rs256(k1, claims().issuer(null).build()), "token has no issuer");
        assertRejected(p, rs256(k1, claims().audience("someone-else").build()), "audience [someone-else] is not accepted");
        assertRejected(p, rs256(k1, claims().claim("tenant", null).build()), "required claim 'tenant' is missing");
        // Within the 30 s default skew is still fine; a list audience with one accepted value too.
        String skewed = rs256(k1, claims().expirationTime(Date.from(now.minusSeconds(10))).audience(List.of("x", "other")).build());
        assertThat(p.onRequest(request(skewed))).isInstanceOf(Verdict.Proceed.class);
    }

    @Test
    void cachedTokenIsStillRefusedOnceExpired() throws Exception {
        Policy p = policy(config());
        String token = rs256(k1, claims().expirationTime(Date.from(clock.instant().plusSeconds(60))).build());
        assertThat(p.onRequest(request(token))).isInstanceOf(Verdict.Proceed.class);
        assertThat(p.onRequest(request(token))).isInstanceOf(Verdict.Proceed.class);

        clock.advance(Duration.ofSeconds(120));
        assertRejected(p, token, "token expired at");
    }

    @Test
    void tamperedDisallowedOversizedAndGarbageTokensAreRejected() throws Exception {
        Policy p = policy(config());
        String[] parts = rs256(k1, claims().build()).split("\\.");
        String escalated = Base64URL.encode(claims().claim("scope", "admin").build().toString()).toString();
        assertRejected(p, parts[0] + "." + escalated + "." + parts[2], "signature is invalid");
        assertRejected(p, sign(JWSAlgorithm.RS384, "k1", new RSASSASigner(k1), claims().build()), "algorithm RS384 is not accepted");
        assertRejected(p, rs256(k3, claims().build()), "unknown key id 'k3'");
        assertRejected(p, rs256(k1, claims().claim("pad", "x".repeat(9000)).build()), "longer than 8192 bytes");
        assertRejected(p, "not-a-jwt", "not a JWT");
        assertRejected(p, "e30.e30.e30", "header is not valid");

        Failure missing = failureOf(p.onRequest(TestExchange.get("/", "Authorization", "Basic abc").clock(clock)));
        assertThat(missing.code()).isEqualTo("credentials-missing");
        assertThat(missing.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void staticEcAndEd25519KeysAndHmacVerify() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
        KeyPair ed = gen.generateKeyPair();
        String edPem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(ed.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
        Policy p = policy(new JwtConfigBuilder().issuer(ISSUER).algorithms("ES256", "EdDSA", "HS256")
                .staticKeys(ec.toPublicJWK().toJSONString(), edPem).hmacSecret(HMAC_SECRET));

        String es = sign(JWSAlgorithm.ES256, "ec1", new ECDSASigner(ec), claims().build());
        assertThat(p.onRequest(request(es))).isInstanceOf(Verdict.Proceed.class);

        String edToken = edDsa(ed, claims().build());
        TestExchange edExchange = request(edToken);
        assertThat(p.onRequest(edExchange)).isInstanceOf(Verdict.Proceed.class);
        assertThat(edExchange.identity().orElseThrow().subject()).isEqualTo("support-agent");
        assertRejected(p, edToken.substring(0, edToken.length() - 4) + "AAAA", "signature is invalid");

        String hs = sign(JWSAlgorithm.HS256, null, new MACSigner(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)), claims().build());
        assertThat(p.onRequest(request(hs))).isInstanceOf(Verdict.Proceed.class);
    }

    /** An EdDSA token signed with the JDK directly, independent of the verifier under test. */
    private static String edDsa(KeyPair key, JWTClaimsSet claims) throws Exception {
        String input = Base64URL.encode("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}") + "." + Base64URL.encode(claims.toString());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(s.sign());
    }

    @Test
    void unreachableJwksIs503NotAFalseVerdictOnTheToken() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Policy p = policy(config().jwks(URI.create("http://127.0.0.1:" + closedPort + "/jwks.json")));
        Failure f = failureOf(p.onRequest(request(rs256(k1, claims().build()))));
        assertThat(f.status()).isEqualTo(503);
        assertThat(f.code()).isEqualTo("auth-unavailable");
    }

    @Test
    void configErrorsNameTheirPath() {
        assertThat(CollectingConfigErrors.of(new JwtConfigBuilder().jwks(URI.create("http://idp/jwks")).algorithms("RS256", "RS257").build()))
                .containsExactly("algorithms[1]: unknown JWS algorithm 'RS257' (one of RS256, RS384, RS512, PS256, PS384, "
                        + "PS512, ES256, ES256K, ES384, ES512, EdDSA, Ed25519, HS256, HS384, HS512)");
        assertThat(CollectingConfigErrors.of(new JwtConfigBuilder().algorithms().build()))
                .containsExactly(": jwt needs jwksUri, staticKeys or hmacSecret",
                        "algorithms: list the accepted JWS algorithms explicitly, e.g. [RS256]");
        assertThat(CollectingConfigErrors.of(new JwtConfigBuilder().algorithms("HS512").hmacSecret("short").build()))
                .containsExactly("hmacSecret: HS512 needs a secret of at least 64 bytes");
        assertThat(CollectingConfigErrors.of(new JwtConfigBuilder().algorithms("RS256", "HS256").staticKeys("hello").build()))
                .containsExactly("algorithms[1]: HS256 needs hmacSecret", "staticKeys[0]: not a JWK, JWK set or PEM public key");
    }
}
