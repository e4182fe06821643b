package com.example.portcullis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import dev.portcullis.spi.llm.ProviderRequest;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.Usage;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import org.pf4j.Extension;

/**
 * The {@code example-completion} provider type for the {@code llm} backend: a model server with
 * a plain text-completion wire. Clients keep using the OpenAI or Anthropic API; the gateway
 * turns their chat into this wire and the answers back.
 *
 * <pre>{@code
 * POST {baseUrl}/generate          Authorization: Bearer {apiKey}   (only when apiKey is set)
 * {"model": "...", "prompt": "...", "max_tokens": 256, "stream": false}
 *
 * 200 {"text": "...", "finish": "stop" | "length", "tokens_in": 12, "tokens_out": 30}
 * 4xx/5xx {"error": "a message"}
 *
 * with "stream": true, server-sent events:
 * data: {"text": "Hel"}
 * data: {"text": "lo"}
 * data: {"finish": "stop", "tokens_in": 12, "tokens_out": 2}
 * }</pre>
 *
 * <p>Use it like a built-in type:
 *
 * <pre>{@code
 * backend:
 *   type: llm
 *   providers:
 *     - { name: local, type: example-completion, baseUrl: "http://127.0.0.1:8081", models: { small: tiny-1b } }
 * }</pre>
 *
 * <p>An adapter only translates; the {@code llm} backend does the HTTP, retries, failover,
 * metrics and client formats. It is a PF4J extension of the SPI's {@link ProviderAdapter}: the
 * {@code llm} plugin finds it through the extension index. One instance serves every request,
 * concurrently, so it holds no state. Its type must not be a built-in one ({@code openai}, ...)
 * or another plugin's: the gateway refuses the config if it is, naming this class.
 */
@Extension
public final class CompletionProviderAdapter implements ProviderAdapter {

    /** Jackson comes from the gateway (a {@code provided} dependency); a mapper is thread-safe. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Used when the client gives no limit: this wire wants one. */
    private static final int DEFAULT_MAX_TOKENS = 1024;

    @Override
    public String type() {
        return "example-completion";
    }

    /**
     * Writes the request. Throw {@link IllegalArgumentException} for what this wire cannot say:
     * the client gets a 400 with the message, and no provider is called. Dropping it silently
     * would answer a different question than the one asked.
     */
    @Override
    public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
        if (!request.tools().isEmpty()) {
            throw new IllegalArgumentException("the " + endpoint.name() + " provider does not support tools");
        }
        ObjectNode body = JSON.createObjectNode()
                .put("model", request.model()) // already this provider's model name, not the client's alias
                .put("prompt", prompt(request, endpoint.name()))
                .put("max_tokens", request.maxTokens() != null ? request.maxTokens() : DEFAULT_MAX_TOKENS)
                .put("stream", request.stream());
        if (request.temperature() != null) {
            body.put("temperature", request.temperature());
        }
        if (!request.stop().isEmpty()) {
            request.stop().forEach(body.putArray("stop")::add);
        }
        Headers headers = Headers.of("Content-Type", "application/json");
        if (endpoint.apiKey() != null && !endpoint.apiKey().isBlank()) {
            headers.set("Authorization", "Bearer " + endpoint.apiKey());
        }
        return new ProviderRequest(URI.create(endpoint.baseUrl() + "/generate"), headers, bytes(body));
    }

    /** The conversation as one transcript that ends where the model should go on. */
    private static String prompt(ChatRequest request, String provider) {
        StringBuilder sb = new StringBuilder();
        if (request.system() != null) {
            sb.append(request.system()).append("\n\n");
        }
        for (Message m : request.messages()) {
            for (ContentPart part : m.content()) {
                if (!(part instanceof ContentPart.Text)) {
                    throw new IllegalArgumentException("the " + provider + " provider takes text only, not "
                            + part.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " parts");
                }
            }
            String who = switch (m.role()) {
                case USER -> "User";
                case ASSISTANT -> "Assistant";
                // tool results only follow tool calls, which this wire never makes
                case TOOL -> throw new IllegalArgumentException("the " + provider + " provider does not support tools");
            };
            sb.append(who).append(": ").append(m.text()).append('\n');
        }
        return sb.append("Assistant:").toString();
    }

    /**
     * Reads a 2xx answer. An {@link IllegalArgumentException} here means "unreadable answer":
     * the gateway counts it as a provider failure and tries the next provider.
     */
    @Override
    public ChatResponse parseResponse(byte[] body) {
        JsonNode json = parse(body);
        JsonNode text = json.get("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("no \"text\" in the answer");
        }
        return new ChatResponse(json.path("id").asText(null), json.path("model").asText(null),
                List.of(new ContentPart.Text(text.asText())), stopReason(json.path("finish").asText("stop")), usage(json));
    }

    /**
     * Reads a non-2xx answer; must not throw. The gateway decides from the status what to do
     * (4xx: the client's fault, passed on; 429/5xx: retried elsewhere) and never shows the
     * client a message from a 401/403, which might quote the key.
     */
    @Override
    public ChatError parseError(int status, byte[] body) {
        try {
            String message = parse(body).path("error").asText("");
            return new ChatError(status, message.isBlank() ? "HTTP " + status : message);
        } catch (IllegalArgumentException e) {
            return new ChatError(status, "HTTP " + status);
        }
    }

    /**
     * A decoder for one stream (it may keep per-stream state; this one only remembers whether the
     * answer has begun). The canonical stream must be: start, deltas, finish, usage, end.
     */
    @Override
    public StreamDecoder streamDecoder() {
        return new StreamDecoder() {
            private boolean started;

            @Override
            public void decode(SseEvent event, Consumer<ChatStreamEvent> out) {
                if (event.data() == null) {
                    return; // a keep-alive comment
                }
                JsonNode json = parse(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (json.has("error")) {
                    out.accept(new ChatStreamEvent.Error(new ChatError(502, json.path("error").asText())));
                    return;
                }
                if (!started) {
                    started = true;
                    out.accept(new ChatStreamEvent.MessageStart(null, null));
                }
                if (json.hasNonNull("text")) {
                    out.accept(new ChatStreamEvent.TextDelta(json.get("text").asText()));
                }
                if (json.hasNonNull("finish")) {
                    out.accept(new ChatStreamEvent.Finish(stopReason(json.get("finish").asText())));
                    out.accept(new ChatStreamEvent.UsageUpdate(usage(json)));
                    out.accept(new ChatStreamEvent.MessageEnd());
                }
            }
        };
    }

    private static StopReason stopReason(String finish) {
        return "length".equals(finish) ? StopReason.MAX_TOKENS : StopReason.END_TURN;
    }

    private static Usage usage(JsonNode json) {
        return new Usage(json.path("tokens_in").asLong(0), json.path("tokens_out").asLong(0), 0, 0);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // cannot happen for a tree in memory
        }
    }
}
