package dev.portcullis.plugins.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.spi.Identity;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a compact JWS token completely: size, algorithm allow-list, signature against the
 * configured keys, then time, issuer, audience and required claims. Every refusal says precisely
 * why, without revealing keys.
 */
final class JwtVerifier {

    static final String METHOD = "jwt";

    /** A verified token: who it is, and the window in which it stays valid (null = open). */
    record Verified(Identity identity, Instant notBefore, Instant expires) {}

    private final JwtConfig config;
    private final Set<String> allowed;
    private final KeyRing staticKeys;
    private final KeyRing hmacKeys;
    private final JwksSource jwks;
    private final Consumers consumers;

    JwtVerifier(JwtConfig config, KeyRing staticKeys, KeyRing hmacKeys, JwksSource jwks, Consumers consumers) {
        this.config = config;
        this.allowed = Set.copyOf(config.algorithms());
        this.staticKeys = staticKeys;
        this.hmacKeys = hmacKeys;
        this.jwks = jwks;
        this.consumers = consumers;
    }

    /**
     * Verifies {@code token} at {@code now}.
     *
     * @throws TokenRejectedException  when the token is not acceptable
     * @throws KeysUnavailableException when the JWK set has never been fetched successfully
     */
    Verified verify(String token, Instant now) throws TokenRejectedException, KeysUnavailableException {
        if (token.length() > config.maxTokenSize().bytes()) {
            throw new TokenRejectedException("token is longer than " + config.maxTokenSize().bytes() + " bytes");
        }
        JWSHeader header = signedHeader(token);
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new TokenRejectedException("token is not a well-formed JWS");
        }
        if (!verifySignature(jwt, header)) {
            throw new TokenRejectedException("signature is invalid");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRejectedException("payload is not a JSON claims set");
        }
        checkClaims(claims, now);
        return new Verified(identity(claims), instant(claims.getNotBeforeTime()), instant(claims.getExpirationTime()));
    }

    /** Reads the header alone first, so "alg":"none" and disallowed algorithms are named as such. */
    private JWSHeader signedHeader(String token) throws TokenRejectedException {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new TokenRejectedException("token is not a JWT");
        }
        Header header;
        try {
            header = Header.parse(new Base64URL(token.substring(0, dot)));
        } catch (ParseException e) {
            throw new TokenRejectedException("token header is not valid");
        }
        if (Algorithm.NONE.equals(header.getAlgorithm())) {
            throw new TokenRejectedException("unsigned tokens (alg none) are not accepted");
        }
        if (header instanceof JWEHeader) {
            throw new TokenRejectedException("encrypted tokens are not accepted");
        }
        String alg = header.getAlgorithm().getName();
        if (!allowed.contains(alg)) {
            throw new TokenRejectedException("algorithm " + alg + " is not accepted");
        }
        return (JWSHeader) header;
    }

    private boolean verifySignature(SignedJWT jwt, JWSHeader header) throws TokenRejectedException, KeysUnavailableException {
        List<JWSVerifier> candidates = new ArrayList<>(2);
        if (JwsAlgorithms.family(header.getAlgorithm().getName()) == JwsAlgorithms.Family.HMAC) {
            hmacKeys.select(header, candidates);
        } else {
            staticKeys.select(header, candidates);
            if (candidates.isEmpty() && jwks != null) {
                KeyRing ring = jwks.keys();
                if (ring == null) {
                    throw new KeysUnavailableException();
                }
                ring.select(header, candidates);
                if (candidates.isEmpty()) {
                    jwks.refetchForUnknownKid(ring).select(header, candidates);
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new TokenRejectedException(header.getKeyID() == null
                    ? "no key for algorithm " + header.getAlgorithm().getName()
                    : "unknown key id '" + header.getKeyID() + "'");
        }
        for (JWSVerifier verifier : candidates) {
            try {
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a key that cannot check this token is as good as a wrong one
            }
        }
        return false;
    }

    private void checkClaims(JWTClaimsSet claims, Instant now) throws TokenRejectedException {
        Duration skew = config.clockSkew();
        Instant exp = instant(claims.getExpirationTime());
        if (exp != null && now.isAfter(exp.plus(skew))) {
            throw new TokenRejectedException("token expired at " + exp);
        }
        Instant nbf = instant(claims.getNotBeforeTime());
        if (nbf != null && now.plus(skew).isBefore(nbf)) {
            throw new TokenRejectedException("token is not valid before " + nbf);
        }
        if (config.issuer() != null && !config.issuer().equals(claims.getIssuer())) {
            throw new TokenRejectedException(claims.getIssuer() == null ? "token has no issuer"
                    : "issuer '" + claims.getIssuer() + "' is not accepted");
        }
        if (!config.audience().isEmpty()) {
            List<String> aud = claims.getAudience();
            if (aud.stream().noneMatch(config.audience()::contains)) {
                throw new TokenRejectedException(aud.isEmpty() ? "token has no audience"
                        : "audience " + aud + " is not accepted");
            }
        }
        for (String required : config.requiredClaims()) {
            if (claims.getClaim(required) == null) {
                throw new TokenRejectedException("required claim '" + required + "' is missing");
            }
        }
    }

    private Identity identity(JWTClaimsSet claimsSet) {
        Map<String, Object> claims = ClaimValues.withoutNulls(claimsSet.toJSONObject());
        return consumers.identity(claimsSet.getSubject(), claimsSet.getIssuer(), METHOD,
                ClaimValues.scopes(claims, config.scopesClaim()), claims,
                ClaimValues.text(claims, config.consumerClaim()));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    /** The JWK set is needed but has never been fetched: the gateway cannot judge the token. */
    static final class KeysUnavailableException extends Exception {
        KeysUnavailableException() {
            super("signing keys are not available", null, false, false);
        }
    }
}
