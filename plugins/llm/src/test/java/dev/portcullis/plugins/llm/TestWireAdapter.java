package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.pf4j.Extension;

/**
 * Test-only provider type {@code test-wire}, found on the test class path through the extension
 * index as a plugin's would be: {@code POST {baseUrl}/complete {"model","input","stream"}} →
 * {@code {"output","in","out"}}, or a stream of {@code {"delta"}} events closed by
 * {@code {"done":true,"in","out"}}. Tools are refused. It reads answers naively (a missing
 * {@code output} is a NullPointerException), as a careless third-party adapter might.
 */
@Extension
public final class TestWireAdapter implements ProviderAdapter {

    static final String TYPE = "test-wire";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint) {
        if (!request.tools().isEmpty()) {
            throw new IllegalArgumentException("provider " + endpoint.name() + " cannot call tools");
        }
        ObjectNode body = Json.object().put("model", request.model()).put("stream", request.stream());
        body.put("input", String.join("\n", request.messages().stream().map(Message::text).toList()));
        return new ProviderRequest(URI.create(endpoint.baseUrl() + "/complete"),
                Headers.of("Content-Type", "application/json", "X-Key", String.valueOf(endpoint.apiKey())), Json.bytes(body));
    }

    @Override
    public ChatResponse parseResponse(byte[] body) {
        JsonNode json = Json.parse(body);
        return new ChatResponse(null, null, List.of(new ContentPart.Text(json.get("output").asText())), StopReason.END_TURN, usage(json));
    }

    @Override
    public ChatError parseError(int status, byte[] body) {
        return new ChatError(status, new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public StreamDecoder streamDecoder() {
        return new StreamDecoder() {
            private boolean started;

            @Override
            public void decode(SseEvent event, java.util.function.Consumer<ChatStreamEvent> out) {
                JsonNode json = Json.parse(event.data().getBytes(StandardCharsets.UTF_8));
                if (!started) {
                    started = true;
                    out.accept(new ChatStreamEvent.MessageStart(null, null));
                }
                if (json.has("delta")) {
                    out.accept(new ChatStreamEvent.TextDelta(json.get("delta").asText()));
                }
                if (json.path("done").asBoolean()) {
                    out.accept(new ChatStreamEvent.Finish(StopReason.END_TURN));
                    out.accept(new ChatStreamEvent.UsageUpdate(usage(json)));
                    out.accept(new ChatStreamEvent.MessageEnd());
                }
            }
        };
    }

    private static Usage usage(JsonNode json) {
        return new Usage(json.path("in").asLong(), json.path("out").asLong(), 0, 0);
    }
}
