package dev.portcullis.spi.llm;

import java.util.Map;

/**
 * Where and how to reach one configured provider.
 *
 * @param name    the provider's configured name
 * @param baseUrl its base URL without trailing slash, e.g. {@code https://api.openai.com/v1}
 * @param apiKey  its credential (from {@code ${ENV}}); null when none. Never log it.
 * @param options adapter-specific settings, e.g. Azure's {@code apiVersion}
 */
public record ProviderEndpoint(String name, String baseUrl, String apiKey, Map<String, String> options) {

    /** Strips a trailing slash; null options become empty. */
    public ProviderEndpoint {
        if (baseUrl != null && baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    @Override
    public String toString() {
        return "ProviderEndpoint[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=<redacted>, options=" + options + "]";
    }
}
