package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.kernel.testing.TestGateway;
import java.io.IOException;
import java.net.URI;
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
 * The semantic-cache policy through the gateway: real MiniLM inference (the embeddings plugin on
 * the class path), the official OpenAI Java SDK as the client, and a provider whose answers name
 * their question, so a wrong hit shows in the text the client receives.
 */
class SemanticCacheGatewayTest {

    static EchoProvider provider;
    static TestGateway gateway;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        provider = new EchoProvider();
        String backend = """
                    backend:
                      type: llm
                      retry: { attempts: 1 }
                      timeout: 5s
                      providers:
                        - { name: echo, type: openai, baseUrl: "%s", apiKey: "k", models: { gpt: gpt-4o-mini } }
                """.formatted(provider.baseUrl());
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false }, watchConfig: false }
                components:
                  minilm: { type: onnx-embedder }
                routes:
                  - name: semantic
                    match: { pathPrefix: /semantic/v1 }
                    policies: [ { type: llm-test-identity }, { type: semantic-cache, embedder: minilm, ttl: 1m } ]
                %s
                  - name: semantic-global
                    match: { pathPrefix: /global/v1 }
                    policies: [ { type: llm-test-identity }, { type: semantic-cache, embedder: minilm, scope: global, cacheSampled: true } ]
                %s
                  - name: both
                    match: { pathPrefix: /both/v1 }
                    policies: [ { type: llm-test-identity }, { type: llm-cache }, { type: semantic-cache, embedder: minilm } ]
                %s
                """.formatted(backend, backend, backend), Map.of());
    }

    @AfterAll
    static void stop() {
        CLIENTS.forEach(OpenAIClient::close);
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    static final List<OpenAIClient> CLIENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static OpenAIClient sdk(String prefix, String consumer) {
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(gateway.uri(prefix + "/v1").toString()).apiKey("sk-client")
                .putHeader("X-Test-Consumer", consumer).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        CLIENTS.add(c);
        return c;
    }

    static ChatCompletionCreateParams ask(String question) {
        return ChatCompletionCreateParams.builder().model("gpt").temperature(0.0).addUserMessage(question).build();
    }

    static HttpResponseFor<ChatCompletion> call(OpenAIClient client, String question) {
        return client.chat().completions().withRawResponse().create(ask(question));
    }

    static String text(HttpResponseFor<ChatCompletion> r) {
        return r.parse().choices().get(0).message().content().orElseThrow();
    }

    static String cacheHeader(HttpResponseFor<?> r) {
        return String.join(",", r.headers().values("X-Cache"));
    }

    @Test
    void theSeedExampleSharesAnAnswerButCapitalsDoNot() {
        OpenAIClient alice = sdk("/semantic", "seed-alice");
        {
            int before = provider.calls();
            HttpResponseFor<ChatCompletion> first = call(alice, "Summarize this document");
            assertThat(cacheHeader(first)).isEqualTo("MISS");
            assertThat(text(first)).isEqualTo(EchoProvider.answerTo("Summarize this document"));

            HttpResponseFor<ChatCompletion> paraphrase = call(alice, "Give me a summary of this text");
            assertThat(cacheHeader(paraphrase)).isEqualTo("HIT");
            assertThat(paraphrase.headers().values("X-Cache-Match")).containsExactly("semantic");
            assertThat(Double.parseDouble(paraphrase.headers().values("X-Cache-Similarity").get(0))).isGreaterThanOrEqualTo(0.85);
            assertThat(text(paraphrase)).isEqualTo(EchoProvider.answerTo("Summarize this document"));
            assertThat(paraphrase.parse().model()).isEqualTo("gpt");
            assertThat(provider.calls()).isEqualTo(before + 1);

            HttpResponseFor<ChatCompletion> france = call(alice, "What is the capital of France?");
            assertThat(cacheHeader(france)).isEqualTo("MISS");
            HttpResponseFor<ChatCompletion> germany = call(alice, "What is the capital of Germany?");
            assertThat(cacheHeader(germany)).isEqualTo("MISS");
            assertThat(text(germany)).isEqualTo(EchoProvider.answerTo("What is the capital of Germany?"));
            assertThat(provider.calls()).isEqualTo(before + 3);

            // the same question again is an exact hit
            HttpResponseFor<ChatCompletion> again = call(alice, "What is the capital of France?");
            assertThat(again.headers().values("X-Cache-Match")).containsExactly("exact");
            assertThat(again.headers().values("X-Cache-Similarity")).containsExactly("1.000");
            assertThat(text(again)).isEqualTo(EchoProvider.answerTo("What is the capital of France?"));
            assertThat(provider.calls()).isEqualTo(before + 3);
        }
    }

    @Test
    void consumersNeverSeeEachOthersEntries() {
        OpenAIClient alice = sdk("/semantic", "iso-alice");
        OpenAIClient bob = sdk("/semantic", "iso-bob");
        {
            int before = provider.calls();
            assertThat(cacheHeader(call(alice, "How do I reset my password?"))).isEqualTo("MISS");
            // bob asks the very same question and a paraphrase: both go to the provider
            assertThat(cacheHeader(call(bob, "How do I reset my password?"))).isEqualTo("MISS");
            assertThat(cacheHeader(call(bob, "How can I reset my password?"))).isEqualTo("HIT"); // his own entry
            assertThat(provider.calls()).isEqualTo(before + 2);
            // alice's paraphrase hits her own entry
            HttpResponseFor<ChatCompletion> hit = call(alice, "How can I reset my password?");
            assertThat(cacheHeader(hit)).isEqualTo("HIT");
            assertThat(provider.calls()).isEqualTo(before + 2);
        }
    }

    @Test
    void streamsAreStoredAndReplayedAsStreams() {
        OpenAIClient carol = sdk("/semantic", "stream-carol");
        {
            int before = provider.calls();
            String question = "Explain what a portcullis is";
            HttpResponseFor<StreamResponse<ChatCompletionChunk>> miss = carol.chat().completions().withRawResponse().createStreaming(ask(question));
            String streamed;
            try (StreamResponse<ChatCompletionChunk> s = miss.parse()) {
                streamed = concat(s.stream().toList());
            }
            assertThat(cacheHeader(miss)).isEqualTo("MISS");
            assertThat(streamed).isEqualTo(EchoProvider.answerTo(question));

            // a paraphrase, streamed: the stored answer comes back as a stream of chunks
            HttpResponseFor<StreamResponse<ChatCompletionChunk>> hit = carol.chat().completions().withRawResponse()
                    .createStreaming(ask("Please explain what a portcullis is"));
            List<ChatCompletionChunk> chunks;
            try (StreamResponse<ChatCompletionChunk> s = hit.parse()) {
                chunks = s.stream().toList();
            }
            assertThat(cacheHeader(hit)).isEqualTo("HIT");
            assertThat(hit.headers().values("Content-Type").get(0)).startsWith("text/event-stream");
            assertThat(concat(chunks)).isEqualTo(streamed);
            assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);

            // and the non-streamed form of the question gets the same answer as one body
            HttpResponseFor<ChatCompletion> body = call(carol, "Could you explain what a portcullis is?");
            assertThat(cacheHeader(body)).isEqualTo("HIT");
            assertThat(text(body)).isEqualTo(streamed);
            assertThat(provider.calls()).isEqualTo(before + 1);
        }
    }

    private static String concat(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).reduce("", String::concat);
    }

    @Test
    void errorsToolCallsAndSampledRequestsAreNotCached() {
        OpenAIClient dave = sdk("/semantic", "nocache-dave");
        {
            int before = provider.calls();
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> call(dave, "Tell me a story [fail]")).isInstanceOf(InternalServerException.class);
            }
            assertThat(provider.calls()).isEqualTo(before + 2);

            ChatCompletionCreateParams warm = ChatCompletionCreateParams.builder().model("gpt").temperature(0.7)
                    .addUserMessage("Write a haiku about gates").build();
            for (int i = 0; i < 2; i++) {
                HttpResponseFor<ChatCompletion> r = dave.chat().completions().withRawResponse().create(warm);
                assertThat(cacheHeader(r)).isEqualTo("MISS");
            }
            assertThat(provider.calls()).isEqualTo(before + 4);

            for (int i = 0; i < 2; i++) {
                HttpResponseFor<ChatCompletion> r = call(dave, "What is the weather in Paris? [tool]");
                assertThat(cacheHeader(r)).isEqualTo("MISS");
                assertThat(r.parse().choices().get(0).message().toolCalls()).isPresent();
            }
            assertThat(provider.calls()).isEqualTo(before + 6);
        }
    }

    @Test
    void globalScopeSharesAndMayCacheSampledRequests() {
        OpenAIClient erin = sdk("/global", "global-erin");
        OpenAIClient frank = sdk("/global", "global-frank");
        {
            int before = provider.calls();
            ChatCompletionCreateParams warm = ChatCompletionCreateParams.builder().model("gpt").temperature(0.7)
                    .addUserMessage("Name three uses of a drawbridge").build();
            assertThat(cacheHeader(erin.chat().completions().withRawResponse().create(warm))).isEqualTo("MISS");
            HttpResponseFor<ChatCompletion> shared = frank.chat().completions().withRawResponse().create(warm);
            assertThat(cacheHeader(shared)).isEqualTo("HIT");
            assertThat(text(shared)).isEqualTo(EchoProvider.answerTo("Name three uses of a drawbridge"));
            assertThat(provider.calls()).isEqualTo(before + 1);
        }
    }

    @Test
    void anExactCacheAndASemanticCacheOnOneRouteBothStoreTheAnswer() {
        OpenAIClient ivan = sdk("/both", "both-ivan");
        int before = provider.calls();
        HttpResponseFor<ChatCompletion> miss = call(ivan, "What is a drawbridge?");
        assertThat(miss.headers().values("X-Cache")).containsExactly("MISS");
        // the exact cache, first in the chain, answers the same question
        HttpResponseFor<ChatCompletion> exact = call(ivan, "What is a drawbridge?");
        assertThat(cacheHeader(exact)).isEqualTo("HIT");
        assertThat(exact.headers().values("X-Cache-Match")).isEmpty();
        // the semantic cache behind it got the answer too and serves a rewording
        HttpResponseFor<ChatCompletion> semantic = call(ivan, "Please tell me what a drawbridge is");
        assertThat(cacheHeader(semantic)).isEqualTo("HIT");
        assertThat(semantic.headers().values("X-Cache-Match")).containsExactly("semantic");
        assertThat(text(semantic)).isEqualTo(EchoProvider.answerTo("What is a drawbridge?"));
        assertThat(provider.calls()).isEqualTo(before + 1);
    }

    @Test
    void anthropicClientsGetHitsInTheirOwnFormatStreamedOrNot() {
        AnthropicClient judy = AnthropicOkHttpClient.builder().baseUrl(gateway.uri("/semantic").toString()).apiKey("sk-client")
                .putHeader("X-Test-Consumer", "anthropic-judy").maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        try {
            int before = provider.calls();
            com.anthropic.core.http.HttpResponseFor<Message> miss = judy.messages().withRawResponse().create(
                    MessageCreateParams.builder().model("gpt").maxTokens(300).addUserMessage("What is a moat?").build());
            assertThat(miss.headers().values("X-Cache")).containsExactly("MISS");
            assertThat(miss.parse().content().get(0).text().orElseThrow().text()).isEqualTo(EchoProvider.answerTo("What is a moat?"));

            MessageAccumulator acc = MessageAccumulator.create();
            com.anthropic.core.http.HttpResponseFor<com.anthropic.core.http.StreamResponse<RawMessageStreamEvent>> hit =
                    judy.messages().withRawResponse().createStreaming(MessageCreateParams.builder().model("gpt").maxTokens(300)
                            .addUserMessage("Can you tell me what a moat is?").build());
            try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> events = hit.parse()) {
                events.stream().forEach(acc::accumulate);
            }
            assertThat(hit.headers().values("X-Cache")).containsExactly("HIT");
            assertThat(acc.message().content().get(0).text().orElseThrow().text()).isEqualTo(EchoProvider.answerTo("What is a moat?"));
            assertThat(acc.message().stopReason()).contains(com.anthropic.models.messages.StopReason.END_TURN);
            assertThat(provider.calls()).isEqualTo(before + 1);
        } finally {
            judy.close();
        }
    }

    @Test
    void theAdminApiShowsCountsAndInvalidatesPerConsumerOrAll() throws Exception {
        OpenAIClient gina = sdk("/semantic", "admin-gina");
        OpenAIClient hank = sdk("/semantic", "admin-hank");
        {
            call(gina, "What does a reverse proxy do?");
            call(hank, "What does a reverse proxy do?");
            assertThat(cacheHeader(call(gina, "What does a reverse proxy do?"))).isEqualTo("HIT");

            JsonNode stats = admin("GET", "");
            assertThat(stats.get("entries").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(stats.get("hits").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(stats.get("misses").asLong()).isGreaterThanOrEqualTo(2);

            JsonNode removed = admin("DELETE", "/admin-gina");
            assertThat(removed.get("removed").asLong()).isEqualTo(1);
            assertThat(cacheHeader(call(gina, "What does a reverse proxy do?"))).isEqualTo("MISS");
            assertThat(cacheHeader(call(hank, "What does a reverse proxy do?"))).isEqualTo("HIT");

            assertThat(admin("DELETE", "").get("removed").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(cacheHeader(call(hank, "What does a reverse proxy do?"))).isEqualTo("MISS");

            HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/api/routes/semantic/admin/cache"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(405);
            assertThat(MockProviders.JSON.readTree(bad.body()).get("error").asText()).contains("GET or DELETE");
        }
        String metrics = HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("portcullis_llm_cache_lookups_total{cache=\"semantic-cache\",layer=\"semantic\",result=\"hit\"}")
                .contains("portcullis_llm_cache_similarity");
    }

    static JsonNode admin(String method, String rest) throws IOException, InterruptedException {
        URI uri = gateway.adminUri("/api/routes/semantic/admin/cache" + rest);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return MockProviders.JSON.readTree(r.body());
    }
}
