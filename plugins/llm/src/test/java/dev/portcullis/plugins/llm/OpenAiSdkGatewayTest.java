package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK as the client, through the gateway, served by OpenAI and Anthropic mocks. */
class OpenAiSdkGatewayTest {

    static LlmFixture fx;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        fx = new LlmFixture();
        client = OpenAIOkHttpClient.builder()
                .baseUrl(fx.gateway.uri("/v1").toString())
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

    static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder()
                    .name("get_weather")
                    .description("Current weather for a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                            .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                            .build())
                    .build())
            .build();

    @Test
    void chatServedByOpenAi() {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt").addSystemMessage("Be brief.").addUserMessage("Hello").seed(7).build());
        ChatCompletion c = raw.parse();

        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("openai");
        assertThat(c.model()).isEqualTo("gpt");
        assertThat(c.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().get().promptTokens()).isEqualTo(19);
        assertThat(c.usage().get().completionTokens()).isEqualTo(10);

        MockProviders.Received got = fx.mocks.last("/openai/ok/");
        assertThat(got.path()).isEqualTo("/openai/ok/v1/chat/completions");
        assertThat(got.headers().getFirst("Authorization")).isEqualTo("Bearer " + LlmFixture.OPENAI_KEY);
        assertThat(got.headers().toString()).doesNotContain(LlmFixture.CLIENT_KEY);
        assertThat(got.body().path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(got.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(got.body().path("seed").asInt()).isEqualTo(7); // no canonical form: passed through to OpenAI
    }

    @Test
    void toolsAndToolResultsServedByAnthropic() throws Exception {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder()
                .model("claude").addSystemMessage("You are a weather bot.").addUserMessage("Weather in Paris?")
                .addTool(WEATHER).maxCompletionTokens(256).build();
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(first);
        ChatCompletion c = raw.parse();

        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("claude");
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).contains("I'll check the weather.");
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().get().get(0).asFunction();
        assertThat(call.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(MockProviders.JSON.readTree(call.function().arguments()).path("location").asText()).isEqualTo("Paris");
        assertThat(c.usage().get().promptTokens()).isEqualTo(384);

        JsonNode sent = fx.mocks.last("/anthropic/ok/").body();
        assertThat(sent.path("system").asText()).isEqualTo("You are a weather bot.");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(sent.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(sent.path("tools").get(0).path("input_schema").path("required").get(0).asText()).isEqualTo("location");
        MockProviders.Received got = fx.mocks.last("/anthropic/ok/");
        assertThat(got.headers().getFirst("x-api-key")).isEqualTo(LlmFixture.ANTHROPIC_KEY);
        assertThat(got.headers().getFirst("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(got.headers().containsKey("Authorization")).isFalse();

        // the tool result goes back as an Anthropic tool_result block in a user turn
        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18°C, sunny").build())
                .build());
        assertThat(answer.choices().get(0).message().content()).contains("Hi! My name is Claude.");
        JsonNode followUp = fx.mocks.last("/anthropic/ok/").body().path("messages");
        assertThat(followUp).hasSize(3);
        assertThat(followUp.get(1).path("role").asText()).isEqualTo("assistant");
        JsonNode toolUse = followUp.get(1).path("content").get(1);
        assertThat(toolUse.path("type").asText()).isEqualTo("tool_use");
        assertThat(toolUse.path("input").path("location").asText()).isEqualTo("Paris");
        JsonNode result = followUp.get(2).path("content").get(0);
        assertThat(followUp.get(2).path("role").asText()).isEqualTo("user");
        assertThat(result.path("type").asText()).isEqualTo("tool_result");
        assertThat(result.path("tool_use_id").asText()).isEqualTo(call.id());
        assertThat(result.path("content").asText()).isEqualTo("18°C, sunny");
    }

    @Test
    void streamingToolCallsFromAnthropic() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("claude").addUserMessage("Weather in Paris?").addTool(WEATHER)
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.message().content()).contains("Let me check.");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageToolCall call = choice.message().toolCalls().get().get(0);
        assertThat(call.asFunction().id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
        assertThat(call.asFunction().function().arguments()).isEqualTo("{\"location\": \"Paris\"}");
        assertThat(c.usage().get().promptTokens()).isEqualTo(472);
        assertThat(c.usage().get().completionTokens()).isEqualTo(89);
    }

    @Test
    void streamingFromOpenAiWithUsage() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt").addUserMessage("Hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).contains("Hello from OpenAI");
        assertThat(c.usage().get().promptTokens()).isEqualTo(21);
        assertThat(c.usage().get().promptTokensDetails().get().cachedTokens()).contains(16L);
        assertThat(c.usage().get().completionTokensDetails().get().reasoningTokens()).contains(2L);
        JsonNode sent = fx.mocks.last("/openai/ok/").body();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void failsOverFromA503ToTheNextProvider() {
        int before = fx.mocks.received("/openai/down/").size();
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("failover").addUserMessage("Hello").build());
        assertThat(raw.parse().choices().get(0).message().content()).contains("Hi! My name is Claude.");
        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("claude");
        // the first provider was tried once (no other test of this class uses it)
        assertThat(fx.mocks.received("/openai/down/")).hasSize(before + 1);
    }

    @Test
    void midStreamProviderErrorSurfacesAsAnSdkError() {
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("claude-broken").addUserMessage("Hi").build())) {
                s.stream().forEach(ch -> ch.choices().forEach(cc -> cc.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(SseException.class).hasMessageContaining("Overloaded");
        assertThat(text.toString()).isEqualTo("Hello");
    }

    @Test
    void connectionResetMidStreamSurfacesAsAnSdkError() {
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("reset").addUserMessage("Hi").build())) {
                s.stream().forEach(ch -> ch.choices().forEach(cc -> cc.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(OpenAIException.class).hasMessageContaining("stream broke");
        assertThat(text.toString()).isEqualTo("Hello from OpenAI");
    }

    @Test
    void unknownModelIsModelNotFound() {
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-5-imaginary").addUserMessage("Hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.getMessage()).contains("gpt-5-imaginary");
                });
    }

    @Test
    void policyRejectionComesInOpenAiFormat() {
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt").addUserMessage("Hi")
                        .putAdditionalHeader("X-Test-Reject", "1").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.code()).contains("rate-limited");
                    assertThat(e.headers().values("Retry-After")).containsExactly("7");
                });
    }

    @Test
    void embeddingsPassThroughToOpenAiFormatProviders() {
        HttpResponseFor<CreateEmbeddingResponse> raw = client.embeddings().withRawResponse().create(
                EmbeddingCreateParams.builder().model("embed").input("The food was delicious").build());
        CreateEmbeddingResponse r = raw.parse();
        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("openai");
        assertThat(r.model()).isEqualTo("embed");
        assertThat(r.data().get(0).embedding()).containsExactly(0.25f, -0.5f, 1.0f);
        MockProviders.Received got = fx.mocks.last("/openai/ok/");
        assertThat(got.path()).isEqualTo("/openai/ok/v1/embeddings");
        assertThat(got.body().path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(got.body().path("input").asText()).isEqualTo("The food was delicious");
        assertThat(got.headers().getFirst("Authorization")).isEqualTo("Bearer " + LlmFixture.OPENAI_KEY);

        // an alias served only by Anthropic has no embeddings
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("claude").input("x").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).contains("model_not_found"));
    }

    @Test
    void assistantMessagesRoundTrip() {
        // an earlier assistant turn with a tool call is forwarded to OpenAI as it came
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessage("Weather?")
                .addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(ChatCompletionMessageFunctionToolCall.builder()
                        .id("call_1").function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                .name("get_weather").arguments("{\"location\":\"Oslo\"}").build()).build()).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_1").content("-3°C").build())
                .addTool(WEATHER).build());
        JsonNode msgs = fx.mocks.last("/openai/ok/").body().path("messages");
        assertThat(msgs.get(1).path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"location\":\"Oslo\"}");
        assertThat(msgs.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(msgs.get(2).path("tool_call_id").asText()).isEqualTo("call_1");
    }
}
