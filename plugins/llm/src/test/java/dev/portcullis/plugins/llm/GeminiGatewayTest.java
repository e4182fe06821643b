package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.BadRequestException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.portcullis.kernel.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Google Gemini as a provider behind the OpenAI and Anthropic endpoints, against a mock Gemini
 * server speaking {@code generateContent} and {@code streamGenerateContent?alt=sse}: system
 * instructions, function declarations and calls (with thought signatures carried through the
 * client's history), usage with cached and thinking tokens, failover onto Gemini, and stream
 * failures in each client's format.
 */
class GeminiGatewayTest {

    static final String GEMINI_KEY = "gemini-provider-key";
    static MockProviders mocks;
    static TestGateway gateway;
    static OpenAIClient openAi;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        mocks = new MockProviders();
        String m = mocks.url();
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      retry: { backoff: 1ms }
                      streamIdleTimeout: 2s
                      providers:
                        - { name: openai-down, type: openai, baseUrl: "%1$s/openai/down/v1", apiKey: "k", models: { failover: gpt-4o-mini } }
                        - { name: gemini, type: gemini, baseUrl: "%1$s/gemini/ok", apiKey: "${GEMINI_KEY}",
                            models: { gemini: gemini-2.5-flash, failover: gemini-2.5-flash } }
                        - { name: gemini-broken, type: gemini, baseUrl: "%1$s/gemini/error", apiKey: "k", models: { broken: gemini-2.5-flash } }
                        - { name: gemini-truncated, type: gemini, baseUrl: "%1$s/gemini/truncated", apiKey: "k", models: { truncated: gemini-2.5-flash } }
                        - { name: gemini-picky, type: gemini, baseUrl: "%1$s/gemini/bad-request", apiKey: "k", models: { picky: gemini-2.5-flash } }
                """.formatted(m), Map.of("GEMINI_KEY", GEMINI_KEY));
        openAi = OpenAIOkHttpClient.builder().baseUrl(gateway.uri("/v1").toString()).apiKey(LlmFixture.CLIENT_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(gateway.uri("").toString()).apiKey(LlmFixture.CLIENT_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (openAi != null) {
            openAi.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (mocks != null) {
            mocks.close();
        }
    }

    @Test
    void openAiChatServedByGeminiWithUsageNormalised() {
        HttpResponseFor<ChatCompletion> raw = openAi.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
                .model("gemini").addSystemMessage("Be brief.").addUserMessage("Hello").maxCompletionTokens(64).temperature(0.2).stop("END").build());
        ChatCompletion c = raw.parse();
        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("gemini");
        assertThat(c.model()).isEqualTo("gemini");
        assertThat(c.choices().get(0).message().content()).contains("Hello from Gemini.");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage u = c.usage().orElseThrow();
        // prompt 12 (8 of them cached); output = 5 answer + 23 thinking tokens
        assertThat(u.promptTokens()).isEqualTo(12);
        assertThat(u.promptTokensDetails().orElseThrow().cachedTokens()).contains(8L);
        assertThat(u.completionTokens()).isEqualTo(28);
        assertThat(u.completionTokensDetails().orElseThrow().reasoningTokens()).contains(23L);
        assertThat(u.totalTokens()).isEqualTo(40);

        MockProviders.Received got = mocks.last("/gemini/ok/");
        assertThat(got.path()).isEqualTo("/gemini/ok/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(got.headers().getFirst("x-goog-api-key")).isEqualTo(GEMINI_KEY);
        assertThat(got.headers().containsKey("Authorization")).isFalse();
        assertThat(got.headers().toString()).doesNotContain(LlmFixture.CLIENT_KEY);
        assertThat(got.query()).isNull(); // never ?key=
        JsonNode body = got.body();
        assertThat(body.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
        assertThat(body.path("contents")).hasSize(1);
        assertThat(body.path("contents").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("contents").get(0).path("parts").get(0).path("text").asText()).isEqualTo("Hello");
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(64);
        assertThat(body.path("generationConfig").path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.path("generationConfig").path("stopSequences").get(0).asText()).isEqualTo("END");
    }

    @Test
    void toolCallsAndResultsRoundTripWithTheThoughtSignature() throws Exception {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gemini").addUserMessage("Weather in Paris?")
                .addTool(OpenAiSdkGatewayTest.WEATHER).toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .build();
        ChatCompletion c = openAi.chat().completions().create(first);
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(MockProviders.JSON.readTree(call.function().arguments()).path("location").asText()).isEqualTo("Paris");
        assertThat(call.id()).startsWith(GeminiWire.ID_PREFIX).matches("[A-Za-z0-9_-]+");

        JsonNode sent = mocks.last("/gemini/ok/").body();
        JsonNode decl = sent.path("tools").get(0).path("functionDeclarations").get(0);
        assertThat(decl.path("name").asText()).isEqualTo("get_weather");
        assertThat(decl.path("parametersJsonSchema").path("required").get(0).asText()).isEqualTo("location");
        assertThat(sent.path("toolConfig").path("functionCallingConfig").path("mode").asText()).isEqualTo("ANY");

        openAi.chat().completions().create(first.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp_c\": 18}").build())
                .build());
        JsonNode contents = mocks.last("/gemini/ok/").body().path("contents");
        assertThat(contents).hasSize(3);
        JsonNode modelTurn = contents.get(1);
        assertThat(modelTurn.path("role").asText()).isEqualTo("model");
        JsonNode fc = modelTurn.path("parts").get(0);
        assertThat(fc.path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(fc.path("functionCall").path("args").path("location").asText()).isEqualTo("Paris");
        // the signature Gemini attached travelled in the call id and is back where Gemini wants it
        assertThat(fc.path("thoughtSignature").asText()).isEqualTo(MockProviders.GEMINI_SIGNATURE);
        JsonNode fr = contents.get(2).path("parts").get(0).path("functionResponse");
        assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
        assertThat(fr.path("name").asText()).isEqualTo("get_weather");
        assertThat(fr.path("response").path("output").path("temp_c").asInt()).isEqualTo(18);
    }

    @Test
    void aToolResultWithoutItsCallIsRefusedInTheClientsFormat() {
        assertThatThrownBy(() -> openAi.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                .addUserMessage("Hi").addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_unknown").content("x").build())
                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("call_unknown"));
    }

    @Test
    void openAiStreamFromGeminiWithUsage() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("gemini").addUserMessage("Hi")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).contains("Hello from Gemini");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(18);
        assertThat(c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()).contains(14L);
        MockProviders.Received got = mocks.last("/gemini/ok/");
        assertThat(got.path()).endsWith("/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(got.query()).isEqualTo("alt=sse");
    }

    @Test
    void anthropicStreamOfParallelCallsFromGemini() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(
                AnthropicSdkGatewayTest.params("gemini").system("You are a weather bot.").addUserMessage("Weather and time in Paris?")
                        .addTool(AnthropicSdkGatewayTest.WEATHER).build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.content()).hasSize(3);
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Let me check.");
        ToolUseBlock weather = m.content().get(1).toolUse().orElseThrow();
        ToolUseBlock time = m.content().get(2).toolUse().orElseThrow();
        assertThat(weather.name()).isEqualTo("get_weather");
        assertThat(weather._input().toString()).contains("Paris");
        assertThat(GeminiWire.signatureOf(weather.id())).isEqualTo(MockProviders.GEMINI_SIGNATURE);
        assertThat(time.name()).isEqualTo("get_time");
        assertThat(GeminiWire.signatureOf(time.id())).isNull();
        assertThat(weather.id()).isNotEqualTo(time.id());
        assertThat(m.usage().inputTokens()).isEqualTo(70);
        assertThat(m.usage().outputTokens()).isEqualTo(25);
        assertThat(mocks.last("/gemini/ok/").body().path("systemInstruction").path("parts").get(0).path("text").asText())
                .isEqualTo("You are a weather bot.");
    }

    @Test
    void anthropicCallServedByGeminiAfterFailover() {
        var raw = anthropic.messages().withRawResponse().create(AnthropicSdkGatewayTest.params("failover").addUserMessage("Hi").build());
        assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("gemini");
        Message m = raw.parse();
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello from Gemini.");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        // Anthropic input excludes cache reads: 12 − 8
        assertThat(m.usage().inputTokens()).isEqualTo(4);
        assertThat(m.usage().cacheReadInputTokens()).contains(8L);
        assertThat(m.usage().outputTokens()).isEqualTo(28);
    }

    @Test
    void streamFailuresEndInTheClientsFormat() throws Exception {
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (var s = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("broken").addUserMessage("Hi").build())) {
                s.stream().forEach((ChatCompletionChunk ch) -> ch.choices().forEach(cc -> cc.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(SseException.class).hasMessageContaining("The model is overloaded");
        assertThat(text.toString()).isEqualTo("Hello");

        // a stream that stops without a finish reason is broken, not complete
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/v1/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"truncated\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        List<String> frames = List.of(r.body().strip().split("\n\n"));
        assertThat(frames.get(frames.size() - 1)).startsWith("event: error\ndata: ")
                .contains("the provider's stream ended before the answer was complete");
        assertThat(r.body()).contains("\"text\":\"Hello\"").doesNotContain("message_stop");
    }

    @Test
    void aGeminiRefusalOfTheRequestIsPassedThrough() {
        assertThatThrownBy(() -> openAi.chat().completions().create(ChatCompletionCreateParams.builder().model("picky").addUserMessage("Hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e ->
                        assertThat(e.getMessage()).contains("temperature: must be between 0 and 2"));
    }
}
