package dev.portcullis.plugins.traffic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.time.Duration;
import java.util.List;

/**
 * Config of {@code cors}.
 *
 * @param allowOrigins     origins allowed to read responses: exact ({@code https://app.example.com}),
 *                         a subdomain wildcard ({@code https://*.example.com}) or {@code *} (any)
 * @param allowMethods     methods a preflight may ask for; default GET, HEAD, POST
 * @param allowHeaders     request headers a preflight may ask for; {@code *} allows any
 * @param exposeHeaders    response headers scripts may read beyond the CORS-safelisted ones
 * @param allowCredentials whether cookies and authorization may be sent (never with origin {@code *})
 * @param maxAge           how long browsers may cache a preflight answer; omitted when not set
 */
public record CorsConfig(
        @JsonPropertyDescription("Allowed origins: https://app.example.com, https://*.example.com or *")
        List<String> allowOrigins,
        @JsonPropertyDescription("Methods a preflight may ask for (default GET, HEAD, POST)")
        List<String> allowMethods,
        @JsonPropertyDescription("Request headers a preflight may ask for; * allows any")
        List<String> allowHeaders,
        @JsonPropertyDescription("Response headers exposed to scripts")
        List<String> exposeHeaders,
        @JsonPropertyDescription("Allow credentials (cookies, Authorization); not with origin *")
        boolean allowCredentials,
        @JsonPropertyDescription("How long browsers may cache a preflight answer, e.g. 10m")
        Duration maxAge) implements Validatable {

    /** Defaults and defensive copies. */
    public CorsConfig {
        allowOrigins = allowOrigins == null ? List.of() : List.copyOf(allowOrigins);
        allowMethods = allowMethods == null ? List.of("GET", "HEAD", "POST") : List.copyOf(allowMethods);
        allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
        exposeHeaders = exposeHeaders == null ? List.of() : List.copyOf(exposeHeaders);
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (allowOrigins.isEmpty()) {
            errors.add("allowOrigins", "list at least one origin (or \"*\")");
        }
        for (int i = 0; i < allowOrigins.size(); i++) {
            String origin = allowOrigins.get(i);
            if ("*".equals(origin)) {
                if (allowCredentials) {
                    errors.add("allowOrigins[" + i + "]", "'*' cannot be combined with allowCredentials: true"
                            + " (browsers refuse it); list the origins instead");
                }
                continue;
            }
            String problem = OriginMatcher.patternProblem(origin);
            if (problem != null) {
                errors.add("allowOrigins[" + i + "]", problem);
            }
        }
        for (int i = 0; i < allowMethods.size(); i++) {
            if (!HttpSyntax.isToken(allowMethods.get(i)) || "*".equals(allowMethods.get(i))) {
                errors.add("allowMethods[" + i + "]", "not an HTTP method: '" + allowMethods.get(i) + "'");
            }
        }
        if (allowMethods.isEmpty()) {
            errors.add("allowMethods", "list at least one method");
        }
        checkHeaderNames(allowHeaders, "allowHeaders", errors);
        checkHeaderNames(exposeHeaders, "exposeHeaders", errors);
        if (allowCredentials && exposeHeaders.contains("*")) {
            errors.add("exposeHeaders", "'*' means no wildcard when credentials are allowed; list the headers");
        }
        if (maxAge != null && maxAge.isNegative()) {
            errors.add("maxAge", "must not be negative");
        }
    }

    private static void checkHeaderNames(List<String> names, String field, ConfigErrors errors) {
        for (int i = 0; i < names.size(); i++) {
            if (!HttpSyntax.isToken(names.get(i))) {
                errors.add(field + "[" + i + "]", "not a valid header name: '" + names.get(i) + "'");
            }
        }
    }
}
