package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scripted provider as the official OpenAI Java SDK sees it. */
class DemoLlmTest {

    static DemoLlm llm;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        llm = new DemoLlm(new DemoLlmConfig("127.0.0.1", 0, "demo-agent-1", "provider-key"));
        client = client("provider-key");
    }

    @AfterAll
    static void stop() {
        llm.close();
    }

    static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + llm.port() + "/v1").apiKey(key).maxRetries(0).build();
    }

    @Test
    void aLookUpIsAnsweredWithAToolCallAndItsResultWithASummary() throws Exception {
        ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model("demo-agent-1")
                .addUserMessage("Look up customer 42").build();
        ChatCompletion first = client.chat().completions().create(ask);
        ChatCompletion.Choice choice = first.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("crm_read_customer");
        assertThat(call.function().arguments()).isEqualTo("{\"id\":\"42\"}");
        assertThat(first.usage().orElseThrow().promptTokens()).isPositive();

        ChatCompletion second = client.chat().completions().create(ask.toBuilder()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"id\":\"42\",\"name\":\"Ada\"}").build())
                .build());
        assertThat(second.choices().get(0).message().content()).hasValue("Summary of the tool result: id: 42, name: Ada.");
        assertThat(second.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void streamsTextInPiecesWithTheUsageChunkWhenAsked() {
        List<String> pieces = new ArrayList<>();
        long[] usage = {0};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("demo-agent-1").addUserMessage("Hello there")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(c -> {
                c.choices().forEach(ch -> ch.delta().content().filter(t -> !t.isEmpty()).ifPresent(pieces::add));
                c.usage().ifPresent(u -> usage[0] = u.totalTokens());
            });
        }
        assertThat(pieces.size()).isGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(DemoLlmScript.HELP);
        assertThat(usage[0]).isPositive();
    }

    @Test
    void streamsAToolCallWithItsArgumentsInPieces() {
        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("demo-agent-1")
                        .addUserMessage("Send a short note to support@example.com that the ticket is resolved.").build())) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> {
                tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
            }))));
        }
        assertThat(names).containsExactly("mail_send_email");
        assertThat(args.toString()).isEqualTo("{\"to\":[\"support@example.com\"],\"subject\":\"A short note\","
                + "\"body\":\"Send a short note to support@example.com that the ticket is resolved.\"}");
    }

    @Test
    void refusesAWrongKeyAndAnUnknownModelInOpenAiFormat() {
        assertThatThrownBy(() -> client("wrong").chat().completions().create(
                ChatCompletionCreateParams.builder().model("demo-agent-1").addUserMessage("hi").build()))
                .isInstanceOf(UnauthorizedException.class).hasMessageContaining("Incorrect API key");
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-5").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("this demo serves 'demo-agent-1'");
        assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly("demo-agent-1");
    }
}
