package com.example.portcullis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.portcullis.spi.llm.Role;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.ToolDefinition;
import dev.portcullis.spi.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The adapter's translation both ways. That the gateway finds it in the plugin zip and serves a
 * client through it is the distribution test's job (DistributionIT).
 */
class CompletionProviderAdapterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CompletionProviderAdapter adapter = new CompletionProviderAdapter();
    private final ProviderEndpoint endpoint = new ProviderEndpoint("local", "http://127.0.0.1:8081/", "secret", Map.of());

    private static ChatRequest chat(boolean stream, List<Message> messages) {
        return new ChatRequest("tiny-1b", "Be brief.", messages, null, null, 64, null, null, List.of("\n\n"), stream, null);
    }

    @Test
    void writesTheConversationAsOnePrompt() throws Exception {
        ProviderRequest r = adapter.chatRequest(chat(false, List.of(Message.text(Role.USER, "Hi"),
                Message.text(Role.ASSISTANT, "Hello."), Message.text(Role.USER, "Name a colour"))), endpoint);

        assertThat(r.uri()).hasToString("http://127.0.0.1:8081/generate");
        assertThat(r.headers().get("Authorization")).isEqualTo("Bearer secret");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("model").asText()).isEqualTo("tiny-1b");
        assertThat(body.path("prompt").asText()).isEqualTo("Be brief.\n\nUser: Hi\nAssistant: Hello.\nUser: Name a colour\nAssistant:");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.path("stream").asBoolean()).isFalse();
        assertThat(body.path("stop").get(0).asText()).isEqualTo("\n\n");
    }

    @Test
    void sendsNoAuthorizationWithoutAKey() {
        ProviderRequest r = adapter.chatRequest(chat(false, List.of(Message.text(Role.USER, "Hi"))),
                new ProviderEndpoint("local", "http://127.0.0.1:8081", null, Map.of()));
        assertThat(r.headers().get("Authorization")).isNull();
    }

    @Test
    void refusesWhatTheWireCannotSay() {
        Message image = new Message(Role.USER, List.of(new ContentPart.Image("https://example.com/cat.png", null)));
        assertThatThrownBy(() -> adapter.chatRequest(chat(false, List.of(image)), endpoint))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the local provider takes text only, not image parts");

        ChatRequest tools = new ChatRequest("tiny-1b", null, List.of(Message.text(Role.USER, "Weather?")),
                List.of(new ToolDefinition("get_weather", "Weather", "{\"type\":\"object\"}")), null, null, null, null, null, false, null);
        assertThatThrownBy(() -> adapter.chatRequest(tools, endpoint))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the local provider does not support tools");
    }

    @Test
    void readsAnAnswerAndAnError() {
        ChatResponse r = adapter.parseResponse(bytes("{\"text\":\"Blue.\",\"finish\":\"length\",\"tokens_in\":12,\"tokens_out\":2}"));
        assertThat(r.content()).containsExactly(new ContentPart.Text("Blue."));
        assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(r.usage()).isEqualTo(new Usage(12, 2, 0, 0));

        assertThatThrownBy(() -> adapter.parseResponse(bytes("{\"txt\":\"Blue.\"}"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(adapter.parseError(503, bytes("{\"error\":\"model loading\"}"))).isEqualTo(new ChatError(503, "model loading"));
        assertThat(adapter.parseError(502, bytes("<html>bad gateway</html>"))).isEqualTo(new ChatError(502, "HTTP 502"));
    }

    @Test
    void decodesAStreamIntoCanonicalEvents() {
        ProviderAdapter.StreamDecoder decoder = adapter.streamDecoder();
        List<ChatStreamEvent> out = new ArrayList<>();
        for (String data : List.of("{\"text\":\"Bl\"}", "{\"text\":\"ue.\"}", "{\"finish\":\"stop\",\"tokens_in\":12,\"tokens_out\":2}")) {
            decoder.decode(SseEvent.data(data), out::add);
        }
        assertThat(out).containsExactly(new ChatStreamEvent.MessageStart(null, null), new ChatStreamEvent.TextDelta("Bl"),
                new ChatStreamEvent.TextDelta("ue."), new ChatStreamEvent.Finish(StopReason.END_TURN),
                new ChatStreamEvent.UsageUpdate(new Usage(12, 2, 0, 0)), new ChatStreamEvent.MessageEnd());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
