package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token rate limits, budgets and the response cache through the gateway, against real mock providers. */
class CostControlGatewayTest {

    /** What the OpenAI mock reports for its text answer (prompt 19 + completion 10). */
    static final long OPENAI_TEXT_TOKENS = 29;

    static CostFixture fx;
    static HttpClient http;

    @BeforeAll
    static void start() {
        fx = new CostFixture();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    static HttpResponse<String> post(String path, String consumer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(fx.gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (consumer != null) {
            b.header("X-Test-Consumer", consumer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static OpenAIClient sdk(String prefix, String consumer) {
        return OpenAIOkHttpClient.builder().baseUrl(fx.gateway.uri(prefix + "/v1").toString()).apiKey("sk-client")
                .putHeader("X-Test-Consumer", consumer).maxRetries(0).timeout(Duration.ofSeconds(10)).build();
    }

    // ---- token-rate-limit ------------------------------------------------------------------

    @Test
    void concurrentRequestsNeverOvershootTheTokenLimit() throws Exception {
        String body = "{\"model\":\"gpt\",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            calls.add(() -> post("/tpm/v1/chat/completions", "burst", body));
        }
        List<HttpResponse<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
        }
        List<HttpResponse<String>> ok = results.stream().filter(r -> r.statusCode() == 200).toList();
        List<HttpResponse<String>> limited = results.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(ok.size() + limited.size()).isEqualTo(64);
        assertThat(ok).isNotEmpty();
        assertThat(limited).isNotEmpty();
        // the reservation of one request: the input estimate (a few tokens) plus max_tokens
        long reservation = 40 + 20;
        assertThat(ok.size() * OPENAI_TEXT_TOKENS).isLessThanOrEqualTo(CostFixture.TPM_LIMIT + reservation);

        HttpResponse<String> refused = limited.get(0);
        JsonNode error = MockProviders.JSON.readTree(refused.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("token limit of 500 total tokens per hour");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.headers().firstValue("RateLimit-Limit")).hasValue("500");
        assertThat(ok.get(0).headers().firstValue("RateLimit-Remaining")).isPresent();

        // settled with actual usage: another consumer is unaffected, and the window is not over-full
        assertThat(post("/tpm/v1/chat/completions", "other", body).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestLargerThanTheWholeLimitIsRefusedWithAReason() throws Exception {
        HttpResponse<String> r = post("/tpm/v1/chat/completions", "greedy",
                "{\"model\":\"gpt\",\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("lower max_tokens");
    }

    @Test
    void aStreamThatReachesTheLimitEndsWithAWellFormedFinish() {
        OpenAIClient client = sdk("/tpm-stream", "streamer");
        try {
            List<ChatCompletionChunk> chunks;
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("slow").maxCompletionTokens(1).addUserMessage("Count").build())) {
                chunks = s.stream().toList();
            }
            ChatCompletionChunk last = chunks.get(chunks.size() - 1);
            assertThat(last.choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
            String text = chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).reduce("", String::concat);
            assertThat(text).startsWith("tick ");
            // far fewer than the 400 ticks the provider would send
            assertThat(text.split("tick").length - 1).isBetween(1, (int) CostFixture.STREAM_LIMIT);
        } finally {
            client.close();
        }
    }

    @Test
    void anAnthropicStreamThatReachesTheLimitEndsWithMessageStop() throws Exception {
        HttpResponse<String> r = post("/tpm-stream/v1/messages", "streamer-anthropic",
                "{\"model\":\"slow\",\"max_tokens\":1,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.body();
        assertThat(body).contains("event: content_block_stop").contains("\"stop_reason\":\"max_tokens\"");
        assertThat(body.strip()).endsWith("data: {\"type\":\"message_stop\"}");
    }

    // ---- budget ----------------------------------------------------------------------------

    @Test
    void anExhaustedBudgetRefusesInTheClientsFormat() throws Exception {
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        // each answer costs 19 × 10 + 10 × 30 = 490 micro-USD against a budget of 1000
        for (int i = 0; i < 3; i++) {
            assertThat(post("/budget/v1/chat/completions", "spender", body).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = post("/budget/v1/chat/completions", "spender", body);
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = MockProviders.JSON.readTree(refused.body()).path("error");
        assertThat(error.path("message").asText()).contains("budget 'daily' of 0.001 USD per day for consumer 'spender' is exhausted (spent 0.00147 USD)");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(post("/budget/v1/chat/completions", "frugal", body).statusCode()).isEqualTo(200);

        String metrics = http.send(HttpRequest.newBuilder(fx.gateway.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("portcullis_llm_spend_USD_total\\{[^}]*consumer=\"spender\"[^}]*\\} 0.00147");
    }

    @Test
    void aTeamBudgetIsSharedByTheTeamAndAnsweredInAnthropicFormat() throws Exception {
        String body = "{\"model\":\"claude\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        // the Anthropic mock: 2095 + 1000 cached input, 503 output → (2095 + 1000) × 1 + 503 × 5 = 5610 micro-USD
        HttpRequest.Builder b = HttpRequest.newBuilder(fx.gateway.uri("/team-budget/v1/messages")).header("X-Test-Team", "support")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        int served = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 200; i++) {
            last = http.send(b.copy().header("X-Test-Consumer", i % 2 == 0 ? "alice" : "bob").build(), HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() != 200) {
                break;
            }
            served++;
        }
        assertThat(served).isEqualTo(179); // ceil(1_000_000 / 5610)
        assertThat(last.statusCode()).isEqualTo(429);
        JsonNode json = MockProviders.JSON.readTree(last.body());
        assertThat(json.path("type").asText()).isEqualTo("error");
        assertThat(json.path("error").path("message").asText()).contains("team 'support'");
    }
}
