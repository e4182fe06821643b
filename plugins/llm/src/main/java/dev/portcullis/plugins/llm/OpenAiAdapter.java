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
        String maxField = flavour == Flavour.COMPATIBLE ? "max_tokens" : "max_completion_tokens";
        return new ProviderRequest(uri(endpoint, request.model(), "/chat/completions"),
                headers(endpoint, request.stream() ? "text/event-stream" : "application/json"),
                Json.bytes(OpenAiWire.writeRequest(request, maxField)));
    }

    /** An embeddings request; {@code body} already names {@code model}, the provider's model. */
    ProviderRequest embeddingsRequest(byte[] body, String model, ProviderEndpoint endpoint) {
        return new ProviderRequest(uri(endpoint, model, "/embeddings"), headers(endpoint, "application/json"), body);
    }

    private URI uri(ProviderEndpoint endpoint, String model, String operation) {
        if (flavour == Flavour.AZURE) {
            String version = endpoint.options().getOrDefault("apiVersion", DEFAULT_AZURE_API_VERSION);
            return ProviderUris.of(endpoint.baseUrl() + "/openai/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
                    + operation + "?api-version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
        }
        return ProviderUris.of(endpoint.baseUrl() + operation);
    }

    private Headers headers(ProviderEndpoint endpoint, String accept) {
        Headers h = new Headers(4);
        h.add("Content-Type", "application/json");
        h.add("Accept", accept);
        if (endpoint.apiKey() != null && !endpoint.apiKey().isEmpty()) {
            if (flavour == Flavour.AZURE) {
                h.add("api-key", endpoint.apiKey());
            } else {
                h.add("Authorization", "Bearer " + endpoint.apiKey());
            }
        }
        return h;
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
