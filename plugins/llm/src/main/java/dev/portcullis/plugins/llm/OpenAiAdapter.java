package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
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
 * OpenAI Chat Completions providers: {@code openai} ({@code Authorization: Bearer}),
 * {@code openai-compatible} (Ollama, vLLM, LM Studio: key optional, {@code max_tokens}) and
 * {@code azure-openai} (deployment URL, {@code api-version} query, {@code api-key} header; the
 * provider model name is the deployment).
 */
final class OpenAiAdapter implements ProviderAdapter {

    /** The flavours of the OpenAI wire. */
    enum Flavour { OPENAI, COMPATIBLE, AZURE }

    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

    private final Flavour flavour;

    OpenAiAdapter(Flavour flavour) {
        this.flavour = flavour;
    }

    @Override
    public String type() {
        return switch (flavour) {
            case OPENAI -> "openai";
            case COMPATIBLE -> "openai-compatible";
            case AZURE -> "azure-openai";
        };
    }

    @Override
    public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
        Headers h = new Headers(4);
        h.add("Content-Type", "application/json");
        h.add("Accept", request.stream() ? "text/event-stream" : "application/json");
        URI uri;
        if (flavour == Flavour.AZURE) {
            String version = endpoint.options().getOrDefault("apiVersion", DEFAULT_AZURE_API_VERSION);
            uri = URI.create(endpoint.baseUrl() + "/openai/deployments/" + URLEncoder.encode(request.model(), StandardCharsets.UTF_8)
                    + "/chat/completions?api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
            if (endpoint.apiKey() != null) {
                h.add("api-key", endpoint.apiKey());
            }
        } else {
            uri = URI.create(endpoint.baseUrl() + "/chat/completions");
            if (endpoint.apiKey() != null && !endpoint.apiKey().isEmpty()) {
                h.add("Authorization", "Bearer " + endpoint.apiKey());
            }
        }
        String maxField = flavour == Flavour.COMPATIBLE ? "max_tokens" : "max_completion_tokens";
        return new ProviderRequest(uri, h, Json.bytes(OpenAiWire.writeRequest(request, maxField)));
    }

    @Override
    public ChatResponse parseResponse(byte[] body) {
        return OpenAiWire.readResponse(Json.parse(body));
    }

    @Override
    public ChatError parseError(int status, byte[] body) {
        String message = null;
        try {
            message = OpenAiWire.readErrorMessage(Json.parse(body));
        } catch (IllegalArgumentException notJson) {
            // fall through to a generic message
        }
        return new ChatError(status, message == null ? "the provider answered HTTP " + status : message);
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new OpenAiStreamDecoder();
    }
}
