package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.portcullis.kernel.testing.TestGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing and resilience through the gateway, one route per scenario so that each has its own
 * providers (breakers, latency averages, cool-downs): failover on 503 for calls and streams with
 * its audit trail, {@code Retry-After} honoured between attempts, connect errors and timeouts,
 * the circuit breaker's cool-down, the least-latency strategy and Azure OpenAI's wire.
 */
class ResilienceGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static MockProviders mocks;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        mocks = new MockProviders();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // nothing listens here once closed
        }
        String m = mocks.url();
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: failover
                    match: { pathPrefix: /failover/v1 }
                    backend:
                      type: llm
                      retry: { backoff: 10ms }
                      providers:
                        - { name: primary, type: openai, baseUrl: "%1$s/openai/down/failover/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                        - { name: secondary, type: anthropic, baseUrl: "%1$s/anthropic/ok", apiKey: "k", models: { chat: claude-haiku-4-5 } }
                  - name: retry-after
                    match: { pathPrefix: /retry-after/v1 }
                    backend:
                      type: llm
                      retry: { attempts: 2, backoff: 10ms, maxBackoff: 2s }
                      providers:
                        - { name: busy, type: openai, baseUrl: "%1$s/openai/down/retry-after/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                  - name: unreachable
                    match: { pathPrefix: /unreachable/v1 }
                    backend:
                      type: llm
                      retry: { backoff: 1ms }
                      connectTimeout: 1s
                      providers:
                        - { name: dead, type: openai, baseUrl: "http://127.0.0.1:%2$d/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                        - { name: alive, type: openai, baseUrl: "%1$s/openai/ok/unreachable/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                  - name: timeout
                    match: { pathPrefix: /timeout/v1 }
                    backend:
                      type: llm
                      retry: { backoff: 1ms }
                      timeout: 200ms
                      providers:
                        - { name: late, type: openai, baseUrl: "%1$s/openai/late/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                        - { name: prompt, type: openai, baseUrl: "%1$s/openai/ok/timeout/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                  - name: breaker
                    match: { pathPrefix: /breaker/v1 }
                    backend:
                      type: llm
                      retry: { backoff: 1ms }
                      circuitBreaker: { failures: 2, cooldown: 400ms }
                      providers:
                        - { name: flaky, type: openai, baseUrl: "%1$s/openai/fail/breaker/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                        - { name: steady, type: openai, baseUrl: "%1$s/openai/ok/breaker/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                  - name: latency
                    match: { pathPrefix: /latency/v1 }
                    backend:
                      type: llm
                      strategy: least-latency
                      providers:
                        - { name: sluggish, type: openai, baseUrl: "%1$s/openai/sluggish/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                        - { name: quick, type: openai, baseUrl: "%1$s/openai/ok/latency/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                  - name: azure
                    match: { pathPrefix: /azure/v1 }
                    backend:
                      type: llm
                      providers:
                        - { name: azure, type: azure-openai, baseUrl: "%1$s/azure", apiKey: "${AZURE_KEY}",
                            models: { chat: my-gpt4o-deployment, embed: my-embedding-deployment }, options: { apiVersion: "2024-10-21" } }
                """.formatted(m, deadPort), Map.of("AZURE_KEY", "azure-provider-key"));
    }

    @AfterAll
    static void stop() {
        CLIENTS.forEach(OpenAIClient::close);
        if (gateway != null) {
            gateway.close();
        }
        if (mocks != null) {
            mocks.close();
        }
    }

    static final List<OpenAIClient> CLIENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static OpenAIClient sdk(String prefix, String correlationId) {
        OpenAIOkHttpClient.Builder b = OpenAIOkHttpClient.builder().baseUrl(gateway.uri(prefix + "/v1").toString())
                .apiKey("sk-client").maxRetries(0).timeout(Duration.ofSeconds(10));
        if (correlationId != null) {
            b.putHeader("X-Correlation-Id", correlationId);
        }
        OpenAIClient c = b.build();
        CLIENTS.add(c);
        return c;
    }

    static ChatCompletionCreateParams hello() {
        return ChatCompletionCreateParams.builder().model("chat").addUserMessage("Hello").build();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static JsonNode audit(String query) throws Exception {
        return MockProviders.JSON.readTree(HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/api/audit?" + query)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("events");
    }

    @Test
    void a503FailsOverForCallsAndStreamsAndTheRetryAfterProviderWaitsItsTurn() throws Exception {
        {
            OpenAIClient client = sdk("/failover", "failover-run-1");
            HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(hello());
            assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("secondary");
            assertThat(raw.parse().choices().get(0).message().content()).contains("Hi! My name is Claude.");
        }
        assertThat(mocks.received("/openai/down/failover/")).hasSize(1);
        // the AI gate's own decisions for this correlation id (the kernel also records the hop itself)
        JsonNode events = audit("correlationId=failover-run-1&layer=ai");
        List<JsonNode> decisions = new java.util.ArrayList<>();
        events.forEach(ev -> {
            if (!ev.path("event").asText().equals("request")) {
                decisions.add(ev);
            }
        });
        assertThat(decisions).hasSize(1);
        JsonNode e = decisions.get(0);
        assertThat(e.path("layer").asText()).isEqualTo("ai");
        assertThat(e.path("event").asText()).isEqualTo("ai.failover");
        assertThat(e.path("outcome").asText()).isEqualTo("served");
        assertThat(e.path("details").path("provider").asText()).isEqualTo("secondary");
        assertThat(e.path("details").path("failed").asText()).isEqualTo("primary (503)");
        assertThat(e.toString()).doesNotContain("Hello");

        // the primary said Retry-After: 1, so for that second it goes last: a stream starts at the secondary
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        OpenAIClient client2 = sdk("/failover", null);
        try (StreamResponse<ChatCompletionChunk> s = client2.chat().completions().createStreaming(hello())) {
            s.stream().forEach(acc::accumulate);
        }
        assertThat(acc.chatCompletion().choices().get(0).message().content()).contains("Hello from Claude");
        assertThat(mocks.received("/openai/down/failover/")).hasSize(1);

        // once the second has passed, the primary is first again: its 503 comes before any stream byte
        Thread.sleep(1100);
        HttpResponse<String> stream = post("/failover/v1/chat/completions",
                "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("X-Portcullis-Provider")).contains("secondary");
        assertThat(stream.body()).contains("Hello").contains(" from Claude").endsWith("data: [DONE]\n\n");
        assertThat(mocks.received("/openai/down/failover/")).hasSize(2);
    }

    @Test
    void aRetryOnTheSameProviderWaitsForItsRetryAfter() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.uri("/retry-after/v1/messages"))
                .header("X-Correlation-Id", "retry-after-run").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        // both attempts failed: the client gets the provider's status and Retry-After, in Anthropic's format
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        JsonNode body = MockProviders.JSON.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("overloaded_error");
        List<MockProviders.Received> calls = mocks.received("/openai/down/retry-after/");
        assertThat(calls).hasSize(2);
        long pauseMillis = (calls.get(1).nanos() - calls.get(0).nanos()) / 1_000_000;
        // backoff alone would be 20 ms; Retry-After: 1 is honoured (up to maxBackoff 2s)
        assertThat(pauseMillis).isBetween(950L, 1900L);
        JsonNode e = null;
        for (JsonNode ev : audit("correlationId=retry-after-run")) {
            if (ev.path("event").asText().equals("ai.provider-failure")) {
                e = ev;
            }
        }
        assertThat(e).as("the provider failure is audited").isNotNull();
        assertThat(e.path("event").asText()).isEqualTo("ai.provider-failure");
        assertThat(e.path("details").path("failed").asText()).isEqualTo("busy (503), busy (503)");
    }

    @Test
    void connectErrorsAndTimeoutsFailOver() throws Exception {
        {
            OpenAIClient client = sdk("/unreachable", null);
            HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(hello());
            assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("alive");
        }
        long start = System.nanoTime();
        {
            OpenAIClient client = sdk("/timeout", null);
            HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(hello());
            assertThat(raw.headers().values("X-Portcullis-Provider")).containsExactly("prompt");
        }
        // the late provider would answer after 1 s; the 200 ms timeout moved on long before
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(900);
        assertThat(metrics())
                .contains("portcullis_llm_provider_errors_total{kind=\"unreachable\",portcullis_llm_provider=\"dead\"} 1.0")
                .contains("portcullis_llm_provider_errors_total{kind=\"timeout\",portcullis_llm_provider=\"late\"} 1.0");
    }

    @Test
    void anOpenBreakerIsRetriedAfterItsCooldown() throws Exception {
        {
            OpenAIClient client = sdk("/breaker", null);
            for (int i = 0; i < 4; i++) {
                assertThat(client.chat().completions().withRawResponse().create(hello()).headers().values("X-Portcullis-Provider"))
                        .containsExactly("steady");
            }
            // two failures opened the breaker: calls three and four did not try the flaky provider
            assertThat(mocks.received("/openai/fail/breaker/")).hasSize(2);
            Thread.sleep(500);
            // after the cool-down it is tried again; still failing, it is set aside at once
            for (int i = 0; i < 3; i++) {
                assertThat(client.chat().completions().withRawResponse().create(hello()).headers().values("X-Portcullis-Provider"))
                        .containsExactly("steady");
            }
            assertThat(mocks.received("/openai/fail/breaker/")).hasSize(3);
        }
    }

    @Test
    void leastLatencyMeasuresEveryProviderThenPrefersTheQuickOne() throws Exception {
        List<String> servedBy = new ArrayList<>();
        {
            OpenAIClient client = sdk("/latency", null);
            for (int i = 0; i < 5; i++) {
                servedBy.add(client.chat().completions().withRawResponse().create(hello()).headers().values("X-Portcullis-Provider").get(0));
            }
        }
        // unmeasured providers go first (config order), then the lower moving average wins
        assertThat(servedBy).containsExactly("sluggish", "quick", "quick", "quick", "quick");
    }

    @Test
    void azureOpenAiGetsDeploymentUrlsApiVersionAndItsKeyHeader() throws Exception {
        {
            OpenAIClient client = sdk("/azure", null);
            ChatCompletion c = client.chat().completions().create(hello());
            assertThat(c.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
            MockProviders.Received got = mocks.last("/azure/");
            assertThat(got.path()).isEqualTo("/azure/openai/deployments/my-gpt4o-deployment/chat/completions");
            assertThat(got.query()).isEqualTo("api-version=2024-10-21");
            assertThat(got.headers().getFirst("api-key")).isEqualTo("azure-provider-key");
            assertThat(got.headers().containsKey("Authorization")).isFalse();
            assertThat(got.body().path("max_completion_tokens").isMissingNode()).isTrue();

            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(hello())) {
                s.stream().forEach(acc::accumulate);
            }
            assertThat(acc.chatCompletion().choices().get(0).message().content()).contains("Hello from OpenAI");

            assertThat(client.embeddings().create(EmbeddingCreateParams.builder().model("embed").input("x").build())
                    .data().get(0).embedding()).containsExactly(0.25f, -0.5f, 1.0f);
            assertThat(mocks.last("/azure/").path()).isEqualTo("/azure/openai/deployments/my-embedding-deployment/embeddings");
        }
    }
}
