package dev.portcullis.plugins.auth;

import dev.portcullis.spi.DataSize;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Fluent construction of {@link JwtConfig} in tests (the record has many optional fields). */
final class JwtConfigBuilder {
    URI jwksUri;
    String issuer;
    List<String> audience;
    List<String> algorithms = List.of("RS256");
    List<String> staticKeys;
    String hmacSecret;
    Duration clockSkew;
    List<String> requiredClaims;
    String scopesClaim;
    String consumerClaim;
    DataSize maxTokenSize;
    Duration jwksCacheTtl;
    Duration jwksRefetchMinInterval;

    JwtConfigBuilder jwks(URI uri) { this.jwksUri = uri; return this; }
    JwtConfigBuilder issuer(String v) { this.issuer = v; return this; }
    JwtConfigBuilder audience(String... v) { this.audience = List.of(v); return this; }
    JwtConfigBuilder algorithms(String... v) { this.algorithms = List.of(v); return this; }
    JwtConfigBuilder staticKeys(String... v) { this.staticKeys = List.of(v); return this; }
    JwtConfigBuilder hmacSecret(String v) { this.hmacSecret = v; return this; }
    JwtConfigBuilder requiredClaims(String... v) { this.requiredClaims = List.of(v); return this; }
    JwtConfigBuilder jwksCacheTtl(Duration v) { this.jwksCacheTtl = v; return this; }
    JwtConfigBuilder refetchMinInterval(Duration v) { this.jwksRefetchMinInterval = v; return this; }

    JwtConfig build() {
        return new JwtConfig(jwksUri, issuer, audience, algorithms, staticKeys, hmacSecret, clockSkew, requiredClaims,
                scopesClaim, consumerClaim, null, maxTokenSize, jwksCacheTtl, jwksRefetchMinInterval,
                Duration.ofSeconds(2), null);
    }
}
