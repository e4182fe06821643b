package dev.portcullis.plugins.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.Policy;
import java.time.Duration;
import java.time.Instant;

/**
 * Authenticates bearer JWTs. Verified tokens are remembered until they expire (at most
 * {@link #CACHE_LIMIT}), so a busy client pays for signature verification once, not per request.
 * The token is forwarded upstream unchanged.
 */
final class JwtPolicy implements Policy {

    /** Upper bound on how long a verified token is trusted without re-checking its signature. */
    static final Duration CACHE_LIMIT = Duration.ofMinutes(5);

    private final JwtConfig config;
    private final JwtVerifier verifier;
    private final JwksSource jwks;
    private final boolean authorizationHeader;
    private final String missingChallenge;
    private final Cache<String, JwtVerifier.Verified> verified =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(CACHE_LIMIT).build();

    JwtPolicy(JwtConfig config, JwtVerifier verifier, JwksSource jwks) {
        this.config = config;
        this.verifier = verifier;
        this.jwks = jwks;
        this.authorizationHeader = config.header().equalsIgnoreCase("Authorization");
        this.missingChallenge = config.realm() == null ? "Bearer" : "Bearer realm=" + AuthFailures.quote(config.realm());
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (exchange.identity().isPresent()) {
            return Verdict.proceed();
        }
        String token = token(exchange.request().headers().get(config.header()));
        if (token == null) {
            return Verdict.reject(AuthFailures.missing("no bearer token in the " + config.header() + " header", missingChallenge));
        }
        Instant now = exchange.clock().instant();
        JwtVerifier.Verified result = verified.getIfPresent(token);
        if (result == null || !within(result, now)) {
            try {
                result = verifier.verify(token, now);
            } catch (TokenRejectedException e) {
                verified.invalidate(token);
                return Verdict.reject(AuthFailures.tokenInvalid(config.realm(), e.getMessage()));
            } catch (JwtVerifier.KeysUnavailableException e) {
                return Verdict.reject(AuthFailures.unavailable("the issuer's signing keys could not be fetched"));
            }
            verified.put(token, result);
        }
        exchange.identity(result.identity());
        return Verdict.proceed();
    }

    private boolean within(JwtVerifier.Verified v, Instant now) {
        Duration skew = config.clockSkew();
        return (v.expires() == null || !now.isAfter(v.expires().plus(skew)))
                && (v.notBefore() == null || !now.plus(skew).isBefore(v.notBefore()));
    }

    private String token(String value) {
        if (value == null) {
            return null;
        }
        String token = HttpTokens.afterScheme(value, "Bearer");
        if (token == null && !authorizationHeader) {
            token = value.isBlank() ? null : value.strip(); // a custom header may carry the bare token
        }
        return token;
    }

    @Override
    public void close() {
        if (jwks != null) {
            jwks.close();
        }
    }
}
