package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The llm route on the wire: exact event streams, error bodies, cancellation and metrics. */
class LlmHttpGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static LlmFixture fx;

    @BeforeAll
    static void start() {
        fx = new LlmFixture();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(fx.gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The data lines of an event stream. */
    static List<String> data(String sse) {
        List<String> out = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring(6));
            }
        }
        return out;
    }

    @Test
    void openAiStreamWithoutIncludeUsageHasNoUsageChunkAndEndsWithDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"claude\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        assertThat(r.headers().firstValue("X-Portcullis-Provider")).contains("claude");
        List<String> data = data(r.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = MockProviders.JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo("claude");
            assertThat(chunk.has("usage")).isFalse();
            JsonNode choice = chunk.path("choices").get(0);
            text.append(choice.path("delta").path("content").asText(""));
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo("Hello from Claude");
        assertThat(finish).isEqualTo("stop");
    }

    @Test
    void anthropicStreamFromOpenAiIsWellFormed() throws Exception {
        HttpResponse<String> r = post("/v1/messages",
                "{\"model\":\"gpt\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        List<String> names = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) {
                names.add(line.substring(7));
            }
        }
        assertThat(names).containsExactly("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        JsonNode delta = MockProviders.JSON.readTree(data(r.body()).get(5));
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void aStreamThatFailsBeforeItsFirstContentFailsOver() throws Exception {
        HttpResponse<String> r = post("/v1/messages",
                "{\"model\":\"early-error\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Portcullis-Provider")).contains("openai");
        assertThat(r.body()).contains("Hello").doesNotContain("event: error");
        assertThat(fx.mocks.received("/anthropic/early-error/")).hasSize(1);

        HttpResponse<String> o = post("/v1/chat/completions",
                "{\"model\":\"early-error\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(o.headers().firstValue("X-Portcullis-Provider")).contains("openai");
        List<String> data = data(o.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(o.body()).doesNotContain("\"error\"");
    }

    @Test
    void midStreamFailureEndsTheOpenAiStreamWithAnErrorChunkAndNoDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"claude-broken\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = data(r.body());
        JsonNode last = MockProviders.JSON.readTree(data.get(data.size() - 1));
        assertThat(last.path("error").path("message").asText()).isEqualTo("Overloaded");
        assertThat(last.path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(data).doesNotContain("[DONE]");
    }

    @Test
    void midStreamFailureEndsTheAnthropicStreamWithAnErrorEvent() throws Exception {
        // an OpenAI-format provider that resets its connection, to an Anthropic client
        HttpResponse<String> r = post("/v1/messages",
                "{\"model\":\"reset\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        String[] frames = r.body().strip().split("\n\n");
        String last = frames[frames.length - 1];
        assertThat(last).startsWith("event: error\ndata: ");
        JsonNode error = MockProviders.JSON.readTree(last.substring(last.indexOf("data: ") + 6));
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("error").path("message").asText()).startsWith("the provider's stream broke");
        assertThat(r.body()).contains("\"text\":\"Hello\"").doesNotContain("message_stop");
    }

    @Test
    void aSilentProviderStreamEndsWithAnErrorAfterTheIdleTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"stall\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        long millis = (System.nanoTime() - start) / 1_000_000;
        List<String> data = data(r.body());
        assertThat(MockProviders.JSON.readTree(data.get(1)).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Hello");
        JsonNode last = MockProviders.JSON.readTree(data.get(data.size() - 1));
        assertThat(last.path("error").path("message").asText()).isEqualTo("the provider sent nothing for 500ms");
        assertThat(millis).isLessThan(4000); // the provider stays silent for 5 s
    }

    @Test
    void clientDisconnectCancelsTheProviderStream() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(fx.gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}"))
                .build();
        HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r = own.send(req, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        int ticks = 0;
        String line;
        while (ticks < 2 && (line = in.readLine()) != null) {
            if (line.contains("tick")) {
                ticks++;
            }
        }
        assertThat(ticks).isEqualTo(2);
        in.close();
        own.shutdownNow();
        // the provider streams 400 ticks over 10 s; it must notice its reader went away long before
        assertThat(fx.mocks.slowStreamAbandoned.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void errorsAreInTheClientsFormat() throws Exception {
        HttpResponse<String> bad = post("/v1/chat/completions", "{\"model\":\"gpt\",\"messages\":");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode e = MockProviders.JSON.readTree(bad.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("message").asText()).startsWith("malformed JSON");

        HttpResponse<String> noMax = post("/v1/messages", "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(noMax.statusCode()).isEqualTo(400);
        JsonNode a = MockProviders.JSON.readTree(noMax.body());
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(a.path("error").path("message").asText()).contains("max_tokens");

        HttpResponse<String> rejected = post("/v1/messages", "{}", "X-Test-Reject", "1");
        assertThat(rejected.statusCode()).isEqualTo(429);
        assertThat(rejected.headers().firstValue("Retry-After")).contains("7");
        JsonNode rj = MockProviders.JSON.readTree(rejected.body());
        assertThat(rj.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(rj.path("error").path("message").asText()).isEqualTo("rate limit of 1 per minute exceeded");

        HttpResponse<String> unknown = post("/v1/completions", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(MockProviders.JSON.readTree(unknown.body()).path("error").path("code").asText()).isEqualTo("unknown_url");
    }

    @Test
    void allProvidersDownGivesTheLastErrorWithRetryAfter() throws Exception {
        fx.gateway.reload(downOnlyConfig());
        try {
            HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"down\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(MockProviders.JSON.readTree(r.body()).path("error").path("message").asText())
                    .contains("openai-down").contains("The server is overloaded or not ready yet.");
            // two attempts on the one provider: the second waited for the (capped) Retry-After
            assertThat(fx.mocks.received("/openai/down/").size()).isGreaterThanOrEqualTo(2);
        } finally {
            fx.gateway.reload(fx.yaml);
        }
    }

    @Test
    void aFailingProviderIsSetAsideByItsCircuitBreaker() throws Exception {
        fx.gateway.reload("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      retry: { backoff: 1ms }
                      circuitBreaker: { failures: 2, cooldown: 1m }
                      providers:
                        - { name: flaky, type: openai, baseUrl: "%s/openai/fail/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                        - { name: steady, type: openai, baseUrl: "%s/openai/ok/v1", apiKey: "k", models: { chat: gpt-4o-mini } }
                """.formatted(fx.mocks.url(), fx.mocks.url()));
        try {
            String body = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = post("/v1/chat/completions", body);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("X-Portcullis-Provider")).contains("steady");
            }
            // two failures open the breaker; later requests go straight to the steady provider
            assertThat(fx.mocks.received("/openai/fail/")).hasSize(2);
            String metrics = HTTP.send(HttpRequest.newBuilder(fx.gateway.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("portcullis_llm_provider_errors_total{kind=\"500\",portcullis_llm_provider=\"flaky\"} 2.0")
                    .contains("portcullis_llm_failovers_total{gen_ai_request_model=\"chat\",portcullis_llm_provider=\"steady\"} 2.0");
        } finally {
            fx.gateway.reload(fx.yaml);
        }
    }

    @Test
    void policiesSeeTheCanonicalRequestTheEstimateAndTheUsage() throws Exception {
        fx.gateway.reload("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    policies: [ { type: llm-test-echo } ]
                    backend:
                      type: llm
                      estimateTokens: true
                      providers:
                        - { name: claude, type: anthropic, baseUrl: "%s/anthropic/ok", apiKey: "k", models: { chat: claude-haiku-4-5 } }
                """.formatted(fx.mocks.url()));
        try {
            HttpResponse<String> r = post("/v1/chat/completions",
                    "{\"model\":\"chat\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
                            + "{\"role\":\"user\",\"content\":\"Hello, how are you today?\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Test-Model")).contains("chat");
            assertThat(r.headers().firstValue("X-Test-Provider")).contains("claude");
            assertThat(r.headers().firstValue("X-Test-Usage")).contains("3095/503");
            // o200k: "You are a helpful assistant." 6 + "Hello, how are you today?" 7, + 2×3 framing + 3 priming
            assertThat(r.headers().firstValue("X-Test-Estimate")).contains("22");
        } finally {
            fx.gateway.reload(fx.yaml);
        }
    }

    @Test
    void aProviderRefusingTheGatewaysKeyIsAConfigFaultNotTheClients() throws Exception {
        fx.gateway.reload("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      retry: { backoff: 1ms }
                      providers:
                        - { name: misconfigured, type: openai, baseUrl: "%1$s/openai/unauthorized/v1", apiKey: "k", models: { chat: m, lonely: m } }
                        - { name: steady, type: openai, baseUrl: "%1$s/openai/ok/v1", apiKey: "k", models: { chat: m } }
                        - { name: picky, type: openai, baseUrl: "%1$s/openai/bad-request/v1", apiKey: "k", models: { picky: m } }
                """.formatted(fx.mocks.url()));
        try {
            String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            HttpResponse<String> served = post("/v1/chat/completions", chat.formatted("chat"));
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.headers().firstValue("X-Portcullis-Provider")).contains("steady");

            HttpResponse<String> alone = post("/v1/chat/completions", chat.formatted("lonely"));
            assertThat(alone.statusCode()).isEqualTo(502);
            assertThat(alone.body()).contains("refused the gateway's request (HTTP 401)").doesNotContain("sk-prov");

            // a request the provider finds invalid is the client's: its status and message pass through
            HttpResponse<String> invalid = post("/v1/chat/completions", chat.formatted("picky"));
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(MockProviders.JSON.readTree(invalid.body()).path("error").path("message").asText())
                    .isEqualTo("Invalid value for 'temperature': must be between 0 and 2.");
            assertThat(fx.mocks.received("/openai/bad-request/")).hasSize(1);
        } finally {
            fx.gateway.reload(fx.yaml);
        }
    }

    private String downOnlyConfig() {
        return """
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      retry: { attempts: 2, backoff: 10ms, maxBackoff: 50ms }
                      providers:
                        - { name: openai-down, type: openai, baseUrl: "%s/openai/down/v1", apiKey: "k", models: { down: gpt-4o-mini } }
                """.formatted(fx.mocks.url());
    }

    @Test
    void modelsAndMetrics() throws Exception {
        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(fx.gateway.uri("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode list = MockProviders.JSON.readTree(models.body());
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").get(0).path("object").asText()).isEqualTo("model");

        post("/v1/chat/completions", "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        String metrics = HTTP.send(HttpRequest.newBuilder(fx.gateway.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "gen_ai_client_token_usage_sum\\{[^}]*gen_ai_request_model=\"gpt\"[^}]*gen_ai_token_type=\"input\"[^}]*} ([0-9.]+)").matcher(metrics);
        assertThat(m.find()).as("token usage metric by type and model").isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(19.0);
        assertThat(metrics).containsPattern("gen_ai_client_operation_duration_seconds_count\\{error_type=\"none\"[^}]*gen_ai_provider_name=\"openai\"");

        post("/v1/messages", "{\"model\":\"claude\",\"max_tokens\":9,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        metrics = HTTP.send(HttpRequest.newBuilder(fx.gateway.adminUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("gen_ai_client_operation_time_to_first_chunk_seconds_count\\{gen_ai_provider_name=\"anthropic\""
                + ",gen_ai_request_model=\"claude\",portcullis_llm_provider=\"claude\"} [1-9]");
        assertThat(metrics).containsPattern("gen_ai_client_token_usage_sum\\{[^}]*gen_ai_response_model=\"claude-haiku-4-5-20251001\"[^}]*gen_ai_token_type=\"output\"[^}]*} [1-9]");
    }
}
