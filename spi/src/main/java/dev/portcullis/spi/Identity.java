package dev.portcullis.spi;

import java.util.Map;
import java.util.Set;

/**
 * Who is calling. Set once per exchange by an authentication policy and read by every later
 * policy and every layer: the same agent identity governs API, LLM and MCP traffic.
 *
 * @param subject  the authenticated principal (JWT {@code sub}, consumer name for API keys)
 * @param issuer   who vouched for it (JWT {@code iss}, or {@code portcullis} for local credentials)
 * @param method   how it was authenticated: {@code api-key}, {@code basic}, {@code jwt}, ...
 * @param scopes   granted scopes
 * @param claims   all verified claims (JWT payload); empty for local credentials
 * @param consumer the configured consumer this identity maps to, or {@code null}
 * @param labels   the consumer's labels (empty when there is no consumer)
 */
public record Identity(
        String subject,
        String issuer,
        String method,
        Set<String> scopes,
        Map<String, Object> claims,
        String consumer,
        Map<String, String> labels) {

    /** Defensive copies; null collections become empty. */
    public Identity {
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A claim value, or null. */
    public Object claim(String name) {
        return claims.get(name);
    }
}
