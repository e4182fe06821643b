package com.example.portcullis;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * The config of a {@code stamp} policy, bound from YAML by the gateway:
 *
 * <pre>{@code
 * policies:
 *   - { type: stamp, header: X-Stamp, value: hello }
 * }</pre>
 *
 * <p>A config is a Java record. The gateway binds it with Jackson and refuses unknown keys, so
 * a typo such as {@code hedaer:} is reported at start-up instead of being ignored.
 *
 * @param header the response header to set; defaults to {@code X-Stamp}
 * @param value  its value; required
 */
public record StampConfig(String header, String value) implements Validatable {

    /** Defaults go in the compact constructor: a missing key arrives here as {@code null}. */
    public StampConfig {
        if (header == null) {
            header = "X-Stamp";
        }
    }

    /**
     * Checks beyond types. Report every problem (not just the first), each with its path relative
     * to this record; the gateway prefixes where the record sits, e.g.
     * {@code routes[0].policies[1].value: required}.
     */
    @Override
    public void validate(ConfigErrors errors) {
        if (header.isBlank() || !header.chars().allMatch(StampConfig::isTokenChar)) {
            errors.add("header", "not a valid header name: '" + header + "'");
        }
        if (value == null) {
            errors.add("value", "required");
        } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            errors.add("value", "line breaks are not allowed in a header value");
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
