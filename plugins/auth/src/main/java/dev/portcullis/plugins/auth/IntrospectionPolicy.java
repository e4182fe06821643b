package dev.portcullis.plugins.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates opaque bearer tokens by asking the authorization server (RFC 7662). Answers, active
 * or not, are cached under the token's SHA-256 for {@code cacheTtl}, and an active one never beyond
 * the token's {@code exp}.
 */
final class IntrospectionPolicy implements Policy {

    static final String METHOD = "oauth2-introspection";
    private static final Logger LOG = LoggerFactory.getLogger(IntrospectionPolicy.class);

    /** A cached answer: the identity for an active token (null when inactive), valid until {@code expires}. */
    private record Answer(Identity identity, Instant expires) {}

    private final IntrospectionConfig config;
    private final IntrospectionClient client;
    private final Consumers consumers;
    private final String missingChallenge;
    private final Cache<String, Answer> answers;

    IntrospectionPolicy(IntrospectionConfig config, IntrospectionClient client, Consumers consumers) {
        this.config = config;
        this.client = client;
        this.consumers = consumers;
        this.missingChallenge = config.realm() == null ? "Bearer" : "Bearer realm=" + AuthFailures.quote(config.realm());
        this.answers = config.cacheTtl().isZero() ? null : Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(config.cacheTtl()).build();
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        if (exchange.identity().isPresent()) {
            return Verdict.proceed();
        }
        String token = HttpTokens.afterScheme(exchange.request().headers().get("Authorization"), "Bearer");
        if (token == null) {
            return Verdict.reject(AuthFailures.missing("no bearer token in the Authorization header", missingChallenge));
        }
        Instant now = exchange.clock().instant();
        String key = answers == null ? null : Digests.hex(Digests.sha256(token));
        Answer answer = key == null ? null : answers.getIfPresent(key);
        if (answer == null || now.isAfter(answer.expires())) {
            try {
                answer = answer(client.introspect(token), now);
            } catch (IOException e) {
                LOG.warn("token introspection at {} failed: {}", config.endpoint(), e.getMessage());
                return Verdict.reject(AuthFailures.unavailable("the token could not be introspected"));
            }
            if (key != null) {
                answers.put(key, answer);
            }
        }
        if (answer.identity() == null) {
            return Verdict.reject(AuthFailures.tokenInvalid(config.realm(), "token is not active"));
        }
        exchange.identity(answer.identity());
        return Verdict.proceed();
    }

    private Answer answer(Map<String, Object> json, Instant now) {
        Instant cachedUntil = now.plus(config.cacheTtl());
        if (!Boolean.TRUE.equals(json.get("active"))) {
            return new Answer(null, cachedUntil);
        }
        Instant exp = json.get("exp") instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
        if (exp != null && !now.isBefore(exp)) {
            return new Answer(null, cachedUntil); // the server says active, but the token's own time is up
        }
        Map<String, Object> claims = ClaimValues.withoutNulls(json);
        String subject = firstText(claims, "sub", "username", "client_id");
        Identity identity = consumers.identity(subject, ClaimValues.text(claims, "iss"), METHOD,
                ClaimValues.scopes(claims, config.scopesClaim()), claims, ClaimValues.text(claims, config.consumerClaim()));
        return new Answer(identity, exp != null && exp.isBefore(cachedUntil) ? exp : cachedUntil);
    }

    private static String firstText(Map<String, Object> claims, String... names) {
        for (String name : names) {
            String value = ClaimValues.text(claims, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    @Override
    public void close() {
        client.close();
    }
}
