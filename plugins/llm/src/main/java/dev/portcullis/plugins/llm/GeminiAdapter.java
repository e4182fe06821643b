package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Headers;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import dev.portcullis.spi.llm.ProviderRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Google Gemini (the Gemini API of Google AI Studio): {@code POST
 * {baseUrl}/{apiVersion}/models/{model}:generateContent}, or {@code :streamGenerateContent?alt=sse}
 * for streams, with the key in {@code x-goog-api-key}. Option {@code apiVersion} (default
 * {@code v1beta}).
 */
final class GeminiAdapter implements ProviderAdapter {

    static final String DEFAULT_API_VERSION = "v1beta";

    @Override
    public String type() {
        return "gemini";
    }

    @Override
    public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
        String version = endpoint.options().getOrDefault("apiVersion", DEFAULT_API_VERSION);
        String base = endpoint.baseUrl() + "/" + version + "/models/" + URLEncoder.encode(request.model(), StandardCharsets.UTF_8);
        URI uri = ProviderUris.of(request.stream() ? base + ":streamGenerateContent?alt=sse" : base + ":generateContent");
        Headers h = new Headers(4);
        h.add("Content-Type", "application/json");
        h.add("Accept", request.stream() ? "text/event-stream" : "application/json");
        if (endpoint.apiKey() != null && !endpoint.apiKey().isEmpty()) {
            h.add("x-goog-api-key", endpoint.apiKey()); // a header, never the ?key= query: URLs end up in logs
        }
        return new ProviderRequest(uri, h, Json.bytes(GeminiWire.writeRequest(request)));
    }

    @Override
    public ChatResponse parseResponse(byte[] body) {
        return GeminiWire.readResponse(Json.parse(body));
    }

    @Override
    public ChatError parseError(int status, byte[] body) {
        String message = null;
        try {
            message = GeminiWire.readErrorMessage(Json.parse(body));
        } catch (IllegalArgumentException notJson) {
            // fall through to a generic message
        }
        return new ChatError(status, message == null ? "the provider answered HTTP " + status : message);
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new GeminiStreamDecoder();
    }
}
