package dev.portcullis.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.kernel.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PII guard in the gateway in front of the llm backend and mock providers, the official SDKs
 * as clients: requests redacted before the provider, answers redacted (streams included, values
 * split across chunks), reversible placeholders restored.
 */
class PiiGuardGatewayTest {

    static MockLlm llm;
    static TestGateway gw;
    static OpenAIClient openAi;
    static OpenAIClient openAiRestore;
    static AnthropicClient anthropicRestore;

    @BeforeAll
    static void start() {
        llm = new MockLlm();
        String backend = """
                    backend:
                      type: llm
                      providers:
                        - { name: openai, type: openai, baseUrl: "%1$s/openai/v1", apiKey: sk-p, models: { gpt: gpt-4o-mini } }
                        - { name: claude, type: anthropic, baseUrl: "%1$s/anthropic", apiKey: sk-a, models: { claude: claude-haiku-4-5 } }
                """.formatted(llm.url());
        gw = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: restore
                    match: { pathPrefix: /restore/v1 }
                    policies: [ { type: pii-guard, restore: true, holdBack: 32 } ]
                %1$s
                  - name: llm
                    match: { pathPrefix: /v1 }
                    policies: [ { type: pii-guard, holdBack: 32 } ]
                %1$s
                """.formatted(backend));
        openAi = OpenAIOkHttpClient.builder().baseUrl(gw.uri("/v1").toString()).apiKey("sk-client").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        openAiRestore = OpenAIOkHttpClient.builder().baseUrl(gw.uri("/restore/v1").toString()).apiKey("sk-client")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        anthropicRestore = AnthropicOkHttpClient.builder().baseUrl(gw.uri("/restore").toString()).apiKey("sk-client")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() {
        if (openAi != null) {
            openAi.close();
            openAiRestore.close();
            anthropicRestore.close();
        }
        if (gw != null) {
            gw.close();
        }
        if (llm != null) {
            llm.close();
        }
    }

    @BeforeEach
    void reset() {
        llm.answer = "Hello! How can I help?";
        llm.chunks = null;
    }

    @Test
    void requestValuesNeverReachTheProvider() throws Exception {
        llm.answer = "Noted.";
        openAi.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addSystemMessage("Support desk.")
                .addUserMessage("My old address was bob@old.example.")
                .addAssistantMessage("Noted: bob@old.example.")
                .addUserMessage("Refund to DE89 3704 0044 0532 0130 00 please, and mail me at max.muster@example.com.")
                .build());
        String sent = MockLlm.lastUserText(llm.last());
        assertThat(sent).isEqualTo("Refund to <IBAN> please, and mail me at <EMAIL>.");
        // the history too, the model's earlier answer included
        assertThat(llm.last().path("messages").toString()).doesNotContain("bob@old.example");
        assertThat(llm.last().path("messages").get(2).path("content").asText()).isEqualTo("Noted: <EMAIL>.");

        HttpResponse<String> audit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                gw.adminUri("/api/audit?layer=ai")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(audit.body()).contains("pii-guard").contains("email,iban").doesNotContain("max.muster");
    }

    @Test
    void openAiStreamIsRedactedAcrossChunkBoundaries() {
        llm.chunks = List.of("Sure, write to jane.", "roe@exam", "ple.org or use card 4111 11", "11 1111 1111, ",
                "it is on file. Have a nice day!");
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessage("How do I reach you?").build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content())
                .contains("Sure, write to <EMAIL> or use card <PAYMENT_CARD>, it is on file. Have a nice day!");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void openAiCompleteAnswerIsRedactedAndPlaceholdersRestored() {
        // the provider echoes the user's message as it received it: with placeholders
        llm.answer = "You asked me to contact {last} Also, my colleague is at bob@corp.example.";
        ChatCompletion c = openAiRestore.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt")
                .addUserMessage("alice@home.example.").build());
        assertThat(MockLlm.lastUserText(llm.last())).isEqualTo("<EMAIL_1>.");
        // the user's own value comes back; the model's new value does not
        assertThat(c.choices().get(0).message().content())
                .contains("You asked me to contact alice@home.example. Also, my colleague is at <EMAIL>.");
    }

    @Test
    void anthropicStreamRestoresPlaceholdersSplitAcrossChunks() {
        llm.chunks = List.of("I will call <PH", "ONE_1> now and then write to <EMA", "IL_1>; done.");
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = anthropicRestore.messages().createStreaming(MessageCreateParams.builder()
                .model("claude").maxTokens(100)
                .addUserMessage("Call me on +44 20 7946 0958 and write to max@example.com").build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThat(MockLlm.lastUserText(llm.last()))
                .isEqualTo("Call me on <PHONE_1> and write to <EMAIL_1>");
        assertThat(acc.message().content().get(0).text().orElseThrow().text())
                .isEqualTo("I will call +44 20 7946 0958 now and then write to max@example.com; done.");
    }
}
