package dev.portcullis.plugins.traffic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;

/**
 * Config of {@code request-size-limit}.
 *
 * @param maxBody the largest request body admitted ({@code 1MiB}, {@code 512KB}, {@code 4096})
 */
public record RequestSizeLimitConfig(
        @JsonPropertyDescription("Largest request body admitted, e.g. 1MiB or 512KB")
        DataSize maxBody) implements Validatable {

    @Override
    public void validate(ConfigErrors errors) {
        if (maxBody == null) {
            errors.add("maxBody", "required (e.g. 1MiB)");
        }
    }
}
