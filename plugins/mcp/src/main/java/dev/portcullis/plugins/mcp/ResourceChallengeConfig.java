package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;

/**
 * Config of the {@code mcp-resource} policy.
 *
 * @param metadataUrl the absolute URL of this resource's RFC 9728 metadata; when absent it is
 *                    derived from the request: {@code <scheme>://<Host>/.well-known/oauth-protected-resource<path>}
 */
public record ResourceChallengeConfig(
        @JsonPropertyDescription("URL of the Protected Resource Metadata (default: derived from the request)")
        URI metadataUrl) implements Validatable {

    @Override
    public void validate(ConfigErrors errors) {
        if (metadataUrl != null && (!metadataUrl.isAbsolute() || !(metadataUrl.getScheme().equals("https")
                || metadataUrl.getScheme().equals("http")))) {
            errors.add("metadataUrl", "not an absolute http(s) URL");
        }
    }
}
