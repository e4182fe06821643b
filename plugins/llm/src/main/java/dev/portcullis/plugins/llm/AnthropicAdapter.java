package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import dev.portcullis.spi.llm.ProviderRequest;

/**
 * The Anthropic Messages API ({@code POST {baseUrl}/v1/messages}, {@code x-api-key},
 * {@code anthropic-version}). Anthropic requires {@code max_tokens}: requests without one get
 * the endpoint option {@code defaultMaxTokens} (4096 unless configured).
 */
final class AnthropicAdapter implements ProviderAdapter {

    static final String API_VERSION = "2023-06-01";
    static final int DEFAULT_MAX_TOKENS = 4096;

    @Override
    public String type() {
        return "anthropic";
    }

    @Override
    public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
        Headers h = new Headers(5);
        h.add("Content-Type", "application/json");
        h.add("Accept", request.stream() ? "text/event-stream" : "application/json");
        h.add("anthropic-version", endpoint.options().getOrDefault("anthropicVersion", API_VERSION));
        if (endpoint.apiKey() != null) {
            h.add("x-api-key", endpoint.apiKey());
        }
        String max = endpoint.options().get("defaultMaxTokens");
        int defaultMax = max == null ? DEFAULT_MAX_TOKENS : Integer.parseInt(max);
        return new ProviderRequest(ProviderUris.of(endpoint.baseUrl() + "/v1/messages"), h, Json.bytes(AnthropicWire.writeRequest(request, defaultMax)));
    }

    @Override
    public ChatResponse parseResponse(byte[] body) {
        return AnthropicWire.readResponse(Json.parse(body));
    }

    @Override
    public ChatError parseError(int status, byte[] body) {
        String message = null;
        try {
            JsonNode e = Json.parse(body).path("error");
            message = e.isObject() ? Json.text(e, "message") : null;
        } catch (IllegalArgumentException notJson) {
            // fall through to a generic message
        }
        return new ChatError(status, message == null ? "the provider answered HTTP " + status : message);
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new AnthropicStreamDecoder();
    }
}
