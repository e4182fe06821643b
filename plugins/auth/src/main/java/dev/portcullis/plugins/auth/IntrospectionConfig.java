package dev.portcullis.plugins.auth;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Config of the {@code oauth2-introspection} policy (RFC 7662).
 *
 * @param endpoint      the authorization server's introspection endpoint
 * @param clientId      the gateway's client id at that server
 * @param clientSecret  its secret (use {@code ${ENV}})
 * @param cacheTtl      how long an answer is reused for the same token (never beyond the token's {@code exp})
 * @param timeout       connect and read timeout of one introspection call
 * @param scopesClaim   member of the answer holding the scopes
 * @param consumerClaim member of the answer naming a configured consumer
 * @param realm         realm of the {@code WWW-Authenticate} challenge, or null
 */
public record IntrospectionConfig(
        @JsonPropertyDescription("Introspection endpoint URL")
        URI endpoint,
        @JsonPropertyDescription("Client id for HTTP Basic authentication at the endpoint")
        String clientId,
        @JsonPropertyDescription("Client secret (use ${ENV})")
        String clientSecret,
        @JsonPropertyDescription("How long answers are cached per token (default 60s)")
        Duration cacheTtl,
        @JsonPropertyDescription("Timeout of one introspection call (default 5s)")
        Duration timeout,
        @JsonPropertyDescription("Member holding the scopes (default scope)")
        String scopesClaim,
        @JsonPropertyDescription("Member naming the consumer (default sub; used when such a consumer exists)")
        String consumerClaim,
        @JsonPropertyDescription("Realm named in WWW-Authenticate")
        String realm) implements Validatable {

    /** Defaults as documented on the fields. */
    public IntrospectionConfig {
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(60) : cacheTtl;
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        scopesClaim = scopesClaim == null ? JwtConfig.DEFAULT_SCOPES_CLAIM : scopesClaim;
        consumerClaim = consumerClaim == null ? "sub" : consumerClaim;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (endpoint == null) {
            errors.add("endpoint", "is required");
        } else if (!endpoint.isAbsolute() || !List.of("http", "https").contains(endpoint.getScheme())) {
            errors.add("endpoint", "not an absolute http(s) URL");
        }
        if (clientId == null || clientId.isBlank()) {
            errors.add("clientId", "is required");
        }
        if (clientSecret == null || clientSecret.isEmpty()) {
            errors.add("clientSecret", "is required (is its environment variable set?)");
        }
        if (cacheTtl.isNegative()) {
            errors.add("cacheTtl", "must not be negative");
        }
        if (!timeout.isPositive()) {
            errors.add("timeout", "must be positive");
        }
    }
}
