package dev.portcullis.plugins.mcp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.Map;

/** Signs test JWTs with a key made once; the gateway's jwt policy trusts its public half (staticKeys). */
final class McpTestTokens {

    static final String ISSUER = "https://idp.test";
    static final String RESOURCE = "https://gateway.test/mcp";

    private static final RSAKey KEY;

    static {
        try {
            KEY = new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private McpTestTokens() {}

    /** The public key as JWK JSON, for {@code staticKeys}. */
    static String publicJwk() {
        return KEY.toPublicJWK().toJSONString();
    }

    /** A token for {@code sub} with audience {@code audience} and extra claims. */
    static String token(String sub, String audience, Map<String, Object> claims) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(sub).issuer(ISSUER).audience(audience)
                .expirationTime(new Date(System.currentTimeMillis() + 600_000)).issueTime(new Date());
        claims.forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test-key").build(), b.build());
        try {
            jwt.sign(new RSASSASigner(KEY));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A token for this resource with scope mcp:tools and the given tasks claim. */
    static String agent(String sub, Object tasks) {
        return token(sub, RESOURCE, Map.of("scope", "mcp:tools", "authorized_tasks", tasks));
    }
}
