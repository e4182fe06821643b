package dev.portcullis.plugins.auth;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Config of the {@code jwt} policy.
 *
 * @param jwksUri                where the issuer publishes its JSON Web Key Set
 * @param issuer                 the exact {@code iss} required, or null for any
 * @param audience               accepted {@code aud} values (one is enough), or empty for any
 * @param algorithms             the allow-list of JWS algorithms; required
 * @param staticKeys             public keys as JWK JSON, a JWK set, or PEM
 * @param hmacSecret             the shared secret for HS256/384/512
 * @param clockSkew              tolerance for {@code exp} and {@code nbf}
 * @param requiredClaims         claims every token must carry
 * @param scopesClaim            claim holding the scopes (space-separated string or list)
 * @param consumerClaim          claim whose value names a configured consumer
 * @param header                 request header carrying the token
 * @param maxTokenSize           longer tokens are refused before parsing
 * @param jwksCacheTtl           how long a fetched key set is used before it is fetched again
 * @param jwksRefetchMinInterval least time between two fetches caused by unknown key ids
 * @param jwksTimeout            connect and read timeout of a key-set fetch
 * @param realm                  realm of the {@code WWW-Authenticate} challenge, or null
 */
public record JwtConfig(
        @JsonPropertyDescription("URL of the issuer's JWK set")
        URI jwksUri,
        @JsonPropertyDescription("Required iss claim")
        String issuer,
        @JsonPropertyDescription("Accepted aud values (string or list)")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> audience,
        @JsonPropertyDescription("Allowed JWS algorithms, e.g. [RS256, ES256] (required)")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> algorithms,
        @JsonPropertyDescription("Public keys: JWK JSON, JWK set JSON or PEM")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> staticKeys,
        @JsonPropertyDescription("Shared secret for HS* algorithms (use ${ENV})")
        String hmacSecret,
        @JsonPropertyDescription("Tolerance for exp and nbf (default 30s)")
        Duration clockSkew,
        @JsonPropertyDescription("Claims every token must carry")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> requiredClaims,
        @JsonPropertyDescription("Claim holding the scopes (default scope, falling back to scp)")
        String scopesClaim,
        @JsonPropertyDescription("Claim naming the consumer (default sub; used when such a consumer exists)")
        String consumerClaim,
        @JsonPropertyDescription("Header carrying the token (default Authorization, Bearer scheme)")
        String header,
        @JsonPropertyDescription("Longest accepted token (default 8KiB)")
        DataSize maxTokenSize,
        @JsonPropertyDescription("How long a fetched JWK set is used (default 10m)")
        Duration jwksCacheTtl,
        @JsonPropertyDescription("Least time between fetches caused by an unknown kid (default 30s)")
        Duration jwksRefetchMinInterval,
        @JsonPropertyDescription("Timeout of a JWK set fetch (default 5s)")
        Duration jwksTimeout,
        @JsonPropertyDescription("Realm named in WWW-Authenticate")
        String realm) implements Validatable {

    static final String DEFAULT_SCOPES_CLAIM = "scope";

    /** Defaults as documented on the fields. */
    public JwtConfig {
        audience = audience == null ? List.of() : List.copyOf(audience);
        algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
        staticKeys = staticKeys == null ? List.of() : List.copyOf(staticKeys);
        requiredClaims = requiredClaims == null ? List.of() : List.copyOf(requiredClaims);
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        scopesClaim = scopesClaim == null ? DEFAULT_SCOPES_CLAIM : scopesClaim;
        consumerClaim = consumerClaim == null ? "sub" : consumerClaim;
        header = header == null ? "Authorization" : header;
        maxTokenSize = maxTokenSize == null ? DataSize.ofBytes(8 * 1024) : maxTokenSize;
        jwksCacheTtl = jwksCacheTtl == null ? Duration.ofMinutes(10) : jwksCacheTtl;
        jwksRefetchMinInterval = jwksRefetchMinInterval == null ? Duration.ofSeconds(30) : jwksRefetchMinInterval;
        jwksTimeout = jwksTimeout == null ? Duration.ofSeconds(5) : jwksTimeout;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (jwksUri == null && staticKeys.isEmpty() && hmacSecret == null) {
            errors.add("", "jwt needs jwksUri, staticKeys or hmacSecret");
        }
        if (jwksUri != null && (!jwksUri.isAbsolute() || !List.of("http", "https").contains(jwksUri.getScheme()))) {
            errors.add("jwksUri", "not an absolute http(s) URL");
        }
        if (algorithms.isEmpty()) {
            errors.add("algorithms", "list the accepted JWS algorithms explicitly, e.g. [RS256]");
        }
        boolean anyHmac = false;
        for (int i = 0; i < algorithms.size(); i++) {
            String name = algorithms.get(i);
            JwsAlgorithms.Family family = JwsAlgorithms.family(name);
            if (family == null) {
                errors.add("algorithms[" + i + "]", "unknown JWS algorithm '" + name + "' (one of "
                        + String.join(", ", JwsAlgorithms.NAMES) + ")");
            } else if (family == JwsAlgorithms.Family.HMAC) {
                anyHmac = true;
                int needed = JwsAlgorithms.minSecretBytes(name);
                if (hmacSecret == null) {
                    errors.add("algorithms[" + i + "]", name + " needs hmacSecret");
                } else if (hmacSecret.getBytes(StandardCharsets.UTF_8).length < needed) {
                    errors.add("hmacSecret", name + " needs a secret of at least " + needed + " bytes");
                }
            } else if (jwksUri == null && staticKeys.isEmpty()) {
                errors.add("algorithms[" + i + "]", name + " needs jwksUri or staticKeys");
            }
        }
        if (hmacSecret != null && !anyHmac) {
            errors.add("hmacSecret", "set, but no HS256/HS384/HS512 in algorithms");
        }
        for (int i = 0; i < staticKeys.size(); i++) {
            try {
                StaticKeys.parse(staticKeys.get(i));
            } catch (IllegalArgumentException e) {
                errors.add("staticKeys[" + i + "]", e.getMessage());
            }
        }
        if (clockSkew.isNegative()) {
            errors.add("clockSkew", "must not be negative");
        }
        if (maxTokenSize.bytes() < 64) {
            errors.add("maxTokenSize", "must be at least 64B");
        }
        if (!HttpTokens.isToken(header)) {
            errors.add("header", "not a valid header name: '" + header + "'");
        }
        if (!jwksCacheTtl.isPositive()) {
            errors.add("jwksCacheTtl", "must be positive");
        }
        if (jwksRefetchMinInterval.isNegative()) {
            errors.add("jwksRefetchMinInterval", "must not be negative");
        }
        if (!jwksTimeout.isPositive()) {
            errors.add("jwksTimeout", "must be positive");
        }
    }
}
