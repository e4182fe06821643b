package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official Anthropic Java SDK as the client, through the gateway, served by OpenAI and Anthropic mocks. */
class AnthropicSdkGatewayTest {

    static LlmFixture fx;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        fx = new LlmFixture();
        client = AnthropicOkHttpClient.builder()
                .baseUrl(fx.gateway.uri("").toString())
                .apiKey(LlmFixture.CLIENT_KEY)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    static final Tool WEATHER = Tool.builder()
            .name("get_weather")
            .description("Current weather for a city")
            .inputSchema(Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                    .required(List.of("location"))
                    .build())
            .build();

    static MessageCreateParams.Builder params(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(300);
    }

    @Test
    void toolsServedByOpenAi() throws Exception {
        MessageCreateParams first = params("gpt").system("You are a weather bot.").addUserMessage("Weather in Paris?").addTool(WEATHER).build();
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(first);
        Message m = raw.parse();

        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("openai");
        assertThat(m.model().asString()).isEqualTo("gpt");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = m.content().get(0).toolUse().orElseThrow();
        assertThat(use.id()).isEqualTo("call_abc123");
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().toString()).contains("Paris");
        // OpenAI prompt_tokens 82 of which 64 cached → Anthropic input 18 + cache read 64
        assertThat(m.usage().inputTokens()).isEqualTo(18);
        assertThat(m.usage().cacheReadInputTokens()).contains(64L);
        assertThat(m.usage().outputTokens()).isEqualTo(17);

        MockProviders.Received got = fx.mocks.last("/openai/ok/");
        assertThat(got.headers().getFirst("Authorization")).isEqualTo("Bearer " + LlmFixture.OPENAI_KEY);
        assertThat(got.headers().toString()).doesNotContain(LlmFixture.CLIENT_KEY);
        JsonNode sent = got.body();
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("You are a weather bot.");
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(sent.path("tools").get(0).path("function").path("parameters").path("properties").has("location")).isTrue();

        Message answer = client.messages().create(first.toBuilder()
                .addMessage(m)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18°C, sunny").build())))
                .build());
        assertThat(answer.content().get(0).text().orElseThrow().text()).isEqualTo("Hello! How can I assist you today?");
        JsonNode msgs = fx.mocks.last("/openai/ok/").body().path("messages");
        assertThat(msgs.get(2).path("role").asText()).isEqualTo("assistant");
        JsonNode call = msgs.get(2).path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("call_abc123");
        assertThat(MockProviders.JSON.readTree(call.path("function").path("arguments").asText()).path("location").asText()).isEqualTo("Paris");
        assertThat(msgs.get(3).path("role").asText()).isEqualTo("tool");
        assertThat(msgs.get(3).path("tool_call_id").asText()).isEqualTo("call_abc123");
        assertThat(msgs.get(3).path("content").asText()).isEqualTo("18°C, sunny");
    }

    @Test
    void streamingParallelToolCallsFromOpenAi() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(
                params("gpt").addUserMessage("Weather and time in Paris?").addTool(WEATHER).build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.content()).hasSize(2);
        ToolUseBlock weather = m.content().get(0).toolUse().orElseThrow();
        ToolUseBlock time = m.content().get(1).toolUse().orElseThrow();
        assertThat(weather.name()).isEqualTo("get_weather");
        assertThat(weather._input().toString()).contains("Paris");
        assertThat(time.name()).isEqualTo("get_time");
        assertThat(time._input().toString()).contains("CET");
        assertThat(m.usage().inputTokens()).isEqualTo(80);
        assertThat(m.usage().outputTokens()).isEqualTo(30);
        // the provider is asked for usage even though Anthropic clients cannot ask
        assertThat(fx.mocks.last("/openai/ok/").body().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void streamingTextFromAnthropic() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params("claude").addUserMessage("Hi").build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.content().stream().map(ContentBlock::text).map(t -> t.orElseThrow().text()).toList()).containsExactly("Hello from Claude");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isEqualTo(15);
        assertThat(m.usage().inputTokens()).isEqualTo(25);
        assertThat(m.usage().cacheReadInputTokens()).contains(5L);
    }

    @Test
    void streamingTextFromOpenAi() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params("gpt").addUserMessage("Hi").build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from OpenAI");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(21 - 16);
        assertThat(m.usage().cacheReadInputTokens()).contains(16L);
        assertThat(m.usage().outputTokens()).isEqualTo(4);
    }

    @Test
    void failsOverFromA503ToTheNextProvider() {
        int before = fx.mocks.received("/openai/down/").size();
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params("failover").addUserMessage("Hi").build());
        assertThat(fx.mocks.received("/openai/down/")).hasSize(before + 1);
        assertThat(raw.parse().content().get(0).text().orElseThrow().text()).isEqualTo("Hi! My name is Claude.");
        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("claude");
    }

    @Test
    void midStreamProviderErrorSurfacesAsAnSdkError() {
        StringBuilder events = new StringBuilder();
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params("claude-broken").addUserMessage("Hi").build())) {
                s.stream().forEach(e -> events.append(e.isContentBlockDelta() ? "delta " : ""));
            }
        }).isInstanceOf(AnthropicException.class).hasMessageContaining("Overloaded");
        assertThat(events.toString()).isEqualTo("delta ");
    }

    @Test
    void connectionResetMidStreamSurfacesAsAnSdkError() {
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params("reset").addUserMessage("Hi").build())) {
                s.stream().forEach(e -> { });
            }
        }).isInstanceOf(AnthropicException.class).hasMessageContaining("stream broke");
    }

    @Test
    void unknownModelAndPolicyRejectionInAnthropicFormat() {
        assertThatThrownBy(() -> client.messages().create(params("claude-imaginary").addUserMessage("Hi").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("claude-imaginary");
        assertThatThrownBy(() -> client.messages().create(params("claude").addUserMessage("Hi")
                .putAdditionalHeader("X-Test-Reject", "1").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e ->
                        assertThat(e.headers().values("Retry-After")).containsExactly("7"));
    }

    @Test
    void listsThePublicModelNames() {
        List<String> ids = client.models().list().data().stream().map(ModelInfo::id).toList();
        assertThat(ids).containsExactlyInAnyOrder("failover", "gpt", "claude", "claude-broken", "reset", "slow", "stall", "early-error", "embed");
    }
}
