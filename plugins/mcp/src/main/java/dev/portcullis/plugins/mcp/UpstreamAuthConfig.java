package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The credential the gateway presents to one upstream MCP server: its own, never the client's.
 *
 * @param type               {@code bearer} ({@code token}), {@code api-key} ({@code header}, {@code apiKey}),
 *                           {@code client-credentials} (OAuth 2.0 client credentials grant) or
 *                           {@code token-exchange} (RFC 8693: the client's validated token is
 *                           exchanged for one scoped to this upstream)
 * @param token              bearer: the token (from {@code ${ENV}})
 * @param header             api-key: the header name (default {@code X-Api-Key})
 * @param apiKey             api-key: the key (from {@code ${ENV}}; the name keeps it redacted in {@code GET /api/config})
 * @param tokenUrl           client-credentials, token-exchange: the authorization server's token endpoint
 * @param clientId           the gateway's client id at that server
 * @param clientSecret       the gateway's client secret (from {@code ${ENV}})
 * @param clientAuth         how the client authenticates: {@code basic} (default, HTTP Basic) or
 *                           {@code post} (client_id and client_secret in the form)
 * @param scope              space-separated scopes to ask for (optional)
 * @param audience           the {@code audience} parameter (optional)
 * @param resource           the {@code resource} parameter, RFC 8707 (optional; the upstream's URL is typical)
 * @param requestedTokenType token-exchange: the {@code requested_token_type} (default
 *                           {@code urn:ietf:params:oauth:token-type:access_token})
 * @param refreshBefore      how long before expiry a cached token is replaced (default 30s)
 * @param timeout            token endpoint timeout (default 10s)
 */
public record UpstreamAuthConfig(
        String type,
        String token,
        String header,
        String apiKey,
        String tokenUrl,
        String clientId,
        String clientSecret,
        String clientAuth,
        String scope,
        String audience,
        String resource,
        String requestedTokenType,
        Duration refreshBefore,
        Duration timeout) implements Validatable {

    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final Set<String> TYPES = Set.of("bearer", "api-key", "client-credentials", "token-exchange");

    /** Defaults as documented. */
    public UpstreamAuthConfig {
        header = header == null ? "X-Api-Key" : header;
        clientAuth = clientAuth == null ? "basic" : clientAuth;
        requestedTokenType = requestedTokenType == null ? ACCESS_TOKEN_TYPE : requestedTokenType;
        refreshBefore = refreshBefore == null ? Duration.ofSeconds(30) : refreshBefore;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    /** Whether a token endpoint is used. */
    boolean oauth() {
        return "client-credentials".equals(type) || "token-exchange".equals(type);
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (type == null || !TYPES.contains(type)) {
            errors.add("type", "must be bearer, api-key, client-credentials or token-exchange");
            return;
        }
        switch (type) {
            case "bearer" -> required(errors, "token", token);
            case "api-key" -> {
                required(errors, "apiKey", apiKey);
                if (McpServerConfig.RESERVED.contains(header.toLowerCase(Locale.ROOT))) {
                    errors.add("header", "is set by the gateway itself");
                }
            }
            default -> {
                required(errors, "clientId", clientId);
                required(errors, "clientSecret", clientSecret);
                if (tokenUrl == null) {
                    errors.add("tokenUrl", "is required");
                } else {
                    try {
                        URI u = URI.create(tokenUrl);
                        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                            errors.add("tokenUrl", "not an absolute http(s) URL");
                        }
                    } catch (IllegalArgumentException e) {
                        errors.add("tokenUrl", "not a URL: " + e.getMessage());
                    }
                }
                if (!clientAuth.equals("basic") && !clientAuth.equals("post")) {
                    errors.add("clientAuth", "must be basic or post");
                }
            }
        }
        if (refreshBefore.isNegative()) {
            errors.add("refreshBefore", "must not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            errors.add("timeout", "must be positive");
        }
    }

    private static void required(ConfigErrors errors, String path, String value) {
        if (value == null || value.isBlank()) {
            errors.add(path, "is required");
        }
    }
}
