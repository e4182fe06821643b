package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Config of the {@code oauth-protected-resource} backend: the RFC 9728 metadata document.
 *
 * @param resource               the resource identifier: the MCP endpoint's URL (tokens must carry it as audience)
 * @param authorizationServers   issuer URLs of the authorization servers clients may use
 * @param scopesSupported        scopes this resource understands
 * @param bearerMethodsSupported how tokens may be sent (default [header])
 * @param resourceName           a human name
 * @param resourceDocumentation  a page describing the resource
 * @param maxAge                 how long clients may cache the document (default 1h)
 */
public record ResourceMetadataConfig(
        @JsonPropertyDescription("The protected resource's identifier (the MCP endpoint URL)") URI resource,
        @JsonPropertyDescription("Issuer URLs of the authorization servers")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<URI> authorizationServers,
        @JsonPropertyDescription("Scopes this resource understands")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> scopesSupported,
        @JsonPropertyDescription("How tokens may be sent (default [header])")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> bearerMethodsSupported,
        @JsonPropertyDescription("Human-readable name") String resourceName,
        @JsonPropertyDescription("Documentation URL") URI resourceDocumentation,
        @JsonPropertyDescription("Cache lifetime for clients (default 1h)") Duration maxAge) implements Validatable {

    /** Defaults as documented. */
    public ResourceMetadataConfig {
        authorizationServers = authorizationServers == null ? List.of() : List.copyOf(authorizationServers);
        scopesSupported = scopesSupported == null ? List.of() : List.copyOf(scopesSupported);
        bearerMethodsSupported = bearerMethodsSupported == null ? List.of("header") : List.copyOf(bearerMethodsSupported);
        maxAge = maxAge == null ? Duration.ofHours(1) : maxAge;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (resource == null) {
            errors.add("resource", "required: the MCP endpoint's absolute URL");
        } else if (!resource.isAbsolute() || resource.getFragment() != null) {
            errors.add("resource", "must be an absolute URL without fragment (RFC 9728 §2)");
        }
        if (authorizationServers.isEmpty()) {
            errors.add("authorizationServers", "name at least one authorization server (issuer URL)");
        }
        for (int i = 0; i < authorizationServers.size(); i++) {
            if (!authorizationServers.get(i).isAbsolute()) {
                errors.add("authorizationServers[" + i + "]", "not an absolute URL");
            }
        }
        for (int i = 0; i < bearerMethodsSupported.size(); i++) {
            if (!List.of("header", "body", "query").contains(bearerMethodsSupported.get(i))) {
                errors.add("bearerMethodsSupported[" + i + "]", "expected header, body or query");
            }
        }
        if (maxAge.isNegative()) {
            errors.add("maxAge", "must not be negative");
        }
    }
}
