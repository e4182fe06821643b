package dev.portcullis.plugins.auth;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Config of the {@code api-key} policy: where the client puts its key. With nothing set, the key is
 * read from the {@code X-API-Key} header.
 *
 * @param header request header carrying the key, or null
 * @param query  query parameter carrying the key, or null
 * @param bearer whether {@code Authorization: Bearer <key>} is accepted too
 */
public record ApiKeyConfig(
        @JsonPropertyDescription("Request header carrying the key (default X-API-Key unless query or bearer is set)")
        String header,
        @JsonPropertyDescription("Query parameter carrying the key")
        String query,
        @JsonPropertyDescription("Also accept 'Authorization: Bearer <key>'")
        Boolean bearer) implements Validatable {

    /** Defaults: the {@code X-API-Key} header when no other place is named. */
    public ApiKeyConfig {
        bearer = bearer != null && bearer;
        if (header == null && query == null && !bearer) {
            header = "X-API-Key";
        }
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (header != null && !HttpTokens.isToken(header)) {
            errors.add("header", "not a valid header name: '" + header + "'");
        }
        if (header != null && header.equalsIgnoreCase("Authorization")) {
            errors.add("header", "use 'bearer: true' to read the key from Authorization");
        }
        if (query != null && query.isBlank()) {
            errors.add("query", "must not be blank");
        }
    }
}
