package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Config of the {@code mcp-pin} policy.
 *
 * @param store     the state store keeping approved and last-seen fingerprints (use Redis for several nodes)
 * @param namespace separates the pins of different MCP routes sharing a store (default {@code default})
 * @param pins      federated tool name ({@code <server>_<tool>}) → approved fingerprint
 *                  ({@code sha256:<64 hex>}); approves a definition (first use or after a change)
 * @param trustOnFirstUse whether the first definition seen of a tool is approved by itself
 *                  (default true); when false a new tool waits for an operator's approval too
 */
public record PinConfig(
        @JsonPropertyDescription("State store for fingerprints (default: default)") String store,
        @JsonPropertyDescription("Key namespace in the store (default: default)") String namespace,
        @JsonPropertyDescription("Tool name to approved fingerprint sha256:<hex>") Map<String, String> pins,
        @JsonPropertyDescription("Approve a tool's first definition by itself (default: true)") Boolean trustOnFirstUse)
        implements Validatable {

    static final Pattern FINGERPRINT = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Defaults as documented. */
    public PinConfig {
        store = store == null ? "default" : store;
        namespace = namespace == null ? "default" : namespace;
        pins = pins == null ? Map.of() : new LinkedHashMap<>(pins);
        trustOnFirstUse = trustOnFirstUse == null ? Boolean.TRUE : trustOnFirstUse;
    }

    @Override
    public void validate(ConfigErrors errors) {
        pins.forEach((tool, fp) -> {
            if (fp == null || !FINGERPRINT.matcher(fp).matches()) {
                errors.add("pins." + tool, "expected sha256:<64 lower-case hex digits>");
            }
        });
    }
}
