package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Config of the {@code mcp-guard} policy.
 *
 * @param action    what a poisoned tool description leads to: {@code block} (default: hidden from
 *                  listings and its calls refused) or {@code flag} (audited only)
 * @param detector  the name of a component implementing {@code InjectionDetector} (e.g. the prompt
 *                  guard's) used besides the built-in checks; optional
 * @param results   tool-result scanning with the detector: {@code off} (default), {@code flag}
 *                  (audit, and the exchange attribute {@code mcp.result.flagged}) or {@code block}
 *                  (the result is replaced by a JSON-RPC error)
 * @param store     the state store remembering blocked tools, so every node refuses their calls (default {@code default})
 * @param namespace separates routes sharing a store (default {@code default})
 */
public record GuardConfig(String action, String detector, String results, String store, String namespace) implements Validatable {

    /** Defaults as documented. */
    public GuardConfig {
        action = action == null ? "block" : action;
        results = results == null ? "off" : results;
        store = store == null ? "default" : store;
        namespace = namespace == null ? "default" : namespace;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (!action.equals("block") && !action.equals("flag")) {
            errors.add("action", "must be block or flag");
        }
        if (!results.equals("off") && !results.equals("flag") && !results.equals("block")) {
            errors.add("results", "must be off, flag or block");
        } else if (!results.equals("off") && detector == null) {
            errors.add("results", "scanning tool results needs a detector");
        }
    }
}
