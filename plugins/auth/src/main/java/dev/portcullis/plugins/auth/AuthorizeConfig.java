package dev.portcullis.plugins.auth;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Config of the {@code authorize} policy: rules on the identity an auth policy established. All
 * rules given must hold.
 *
 * @param scopes    scopes that must all be granted
 * @param anyScopes scopes of which at least one must be granted
 * @param claims    claim → accepted value or list of values
 * @param consumers consumers allowed (any if empty)
 * @param labels    consumer labels that must have these values
 */
public record AuthorizeConfig(
        @JsonPropertyDescription("Scopes that must all be granted")
        List<String> scopes,
        @JsonPropertyDescription("Scopes of which one must be granted")
        List<String> anyScopes,
        @JsonPropertyDescription("Claim to accepted value (or list of values)")
        Map<String, Object> claims,
        @JsonPropertyDescription("Consumers allowed")
        List<String> consumers,
        @JsonPropertyDescription("Consumer labels that must match")
        Map<String, String> labels) implements Validatable {

    /** Null collections become empty. */
    public AuthorizeConfig {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        anyScopes = anyScopes == null ? List.of() : List.copyOf(anyScopes);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
        consumers = consumers == null ? List.of() : List.copyOf(consumers);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (scopes.isEmpty() && anyScopes.isEmpty() && claims.isEmpty() && consumers.isEmpty() && labels.isEmpty()) {
            errors.add("", "authorize needs at least one of scopes, anyScopes, claims, consumers, labels");
        }
        claims.forEach((claim, value) -> {
            if (value instanceof Collection<?> list) {
                if (list.isEmpty()) {
                    errors.add("claims." + claim, "needs at least one value");
                }
                int i = 0;
                for (Object v : list) {
                    if (!isScalar(v)) {
                        errors.add("claims." + claim + "[" + i + "]", "must be a string, number or boolean");
                    }
                    i++;
                }
            } else if (!isScalar(value)) {
                errors.add("claims." + claim, "must be a value or a list of values");
            }
        });
    }

    private static boolean isScalar(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean;
    }
}
