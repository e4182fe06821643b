package dev.portcullis.spi;

import java.util.List;
import java.util.Map;

/**
 * A configured API consumer (an application, team or agent). Credentials are secrets: they are
 * never logged, and the admin API shows them redacted.
 *
 * @param name    unique name, used as the rate-limit and budget key
 * @param labels  free-form labels for authorization rules ({@code team: support})
 * @param apiKeys API keys in clear (from {@code ${ENV}}) or as {@code sha256:<hex>} hashes
 */
public record Consumer(String name, Map<String, String> labels, List<String> apiKeys) {

    /** Defensive copies; null collections become empty. */
    public Consumer {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    }

    @Override
    public String toString() {
        return "Consumer[name=" + name + ", labels=" + labels + ", apiKeys=<" + apiKeys.size() + " redacted>]";
    }
}
