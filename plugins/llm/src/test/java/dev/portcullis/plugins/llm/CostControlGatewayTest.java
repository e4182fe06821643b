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

        // settled with actual usage: once every call has completed, the counter holds exactly the
        // usage the provider reported (29 per served call). A probe that cannot fit is refused
        // (and takes nothing) and reports the room left.
        String probe = "{\"model\":\"gpt\",\"max_tokens\":480,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        long expectedRemaining = CostFixture.TPM_LIMIT - ok.size() * OPENAI_TEXT_TOKENS;
        String remaining = null;
        for (int i = 0; i < 40 && !String.valueOf(expectedRemaining).equals(remaining); i++) {
            Thread.sleep(50); // completions settle just after the client has its answer
            HttpResponse<String> p = post("/tpm/v1/chat/completions", "burst", probe);
            assertThat(p.statusCode()).isEqualTo(429);
            remaining = p.headers().firstValue("RateLimit-Remaining").orElseThrow();
        }
        assertThat(remaining).isEqualTo(String.valueOf(expectedRemaining));
        // another consumer is unaffected
        assertThat(post("/tpm/v1/chat/completions", "other", body).statusCode()).isEqualTo(200);
        // each refusal is in the audit log, with the consumer and the numbers, never the prompt
        JsonNode events = audit("layer=ai&subject=burst&outcome=deny");
        assertThat(events.size()).isGreaterThanOrEqualTo(limited.size());
        JsonNode e = events.get(0);
        assertThat(e.path("event").asText()).isEqualTo("ai.token-limit");
        assertThat(e.path("route").asText()).isEqualTo("tpm");
        assertThat(e.path("details").path("limit").asText()).isEqualTo("500");
        assertThat(e.toString()).doesNotContain("Hello");
    }

    @Test
    void aRequestLargerThanTheWholeLimitIsRefusedWithAReason() throws Exception {
        HttpResponse<String> r = post("/tpm/v1/chat/completions", "greedy",
                "{\"model\":\"gpt\",\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("lower max_tokens");
    }

    @Test
    void aStreamThatReachesTheLimitEndsWithAWellFormedFinish() throws Exception {
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
        JsonNode cut = audit("layer=ai&subject=streamer&outcome=truncate");
        assertThat(cut.size()).isEqualTo(1);
        assertThat(cut.get(0).path("event").asText()).isEqualTo("ai.token-limit");
        assertThat(cut.get(0).path("reason").asText()).contains("stream was ended at the token limit of 90 output tokens per hour");
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

    /** The audit events matching {@code query}, newest first. */
    static JsonNode audit(String query) throws Exception {
        return MockProviders.JSON.readTree(admin("GET", "/api/audit?" + query).body()).path("events");
    }

    static HttpResponse<String> admin(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(fx.gateway.adminUri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode adminJson(String method, String path) throws Exception {
        HttpResponse<String> r = admin(method, path);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return MockProviders.JSON.readTree(r.body());
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

    @Test
    void spendIsListedReadAndResetThroughTheAdminApi() throws Exception {
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        for (int i = 0; i < 2; i++) {
            assertThat(post("/budget/v1/chat/completions", "admin-a", body).statusCode()).isEqualTo(200);
        }
        assertThat(post("/budget/v1/chat/completions", "admin-b", body).statusCode()).isEqualTo(200);
        Thread.sleep(100); // charges are settled just after the answer

        assertThat(admin("GET", "/api/endpoints").body()).contains("/api/routes/budget/admin/spend-daily", "/api/routes/team-budget/admin/spend");
        JsonNode list = adminJson("GET", "/api/routes/budget/admin/spend-daily");
        assertThat(list.path("budget").asText()).isEqualTo("daily");
        assertThat(list.path("period").asText()).isEqualTo("day");
        assertThat(list.path("currency").asText()).isEqualTo("USD");
        assertThat(list.path("limit").decimalValue()).isEqualByComparingTo("0.001");
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(list.path("periodEnd").asText()).isEqualTo(today.plusDays(1) + "T00:00:00Z");
        JsonNode a = bySubject(list, "admin-a");
        // each answer costs 19 × 10 + 10 × 30 = 490 micro-USD
        assertThat(a.path("spent").decimalValue()).isEqualByComparingTo("0.00098");
        assertThat(a.path("remaining").decimalValue()).isEqualByComparingTo("0.00002");
        assertThat(a.path("exhausted").asBoolean()).isFalse();
        assertThat(bySubject(list, "admin-b").path("spent").decimalValue()).isEqualByComparingTo("0.00049");

        JsonNode one = adminJson("GET", "/api/routes/budget/admin/spend-daily/admin-b");
        assertThat(one.path("spent").decimalValue()).isEqualByComparingTo("0.00049");
        assertThat(adminJson("GET", "/api/routes/budget/admin/spend-daily/nobody").path("spent").decimalValue()).isEqualByComparingTo("0");

        // exhaust admin-a, then an operator resets it: the consumer is served again
        assertThat(post("/budget/v1/chat/completions", "admin-a", body).statusCode()).isEqualTo(200);
        Thread.sleep(100);
        assertThat(post("/budget/v1/chat/completions", "admin-a", body).statusCode()).isEqualTo(429);
        assertThat(adminJson("GET", "/api/routes/budget/admin/spend-daily/admin-a").path("exhausted").asBoolean()).isTrue();
        JsonNode reset = adminJson("DELETE", "/api/routes/budget/admin/spend-daily/admin-a");
        assertThat(reset.path("spentBefore").decimalValue()).isEqualByComparingTo("0.00147");
        assertThat(reset.path("spent").decimalValue()).isEqualByComparingTo("0");
        assertThat(post("/budget/v1/chat/completions", "admin-a", body).statusCode()).isEqualTo(200);

        JsonNode denied = audit("layer=ai&subject=admin-a&outcome=deny");
        assertThat(denied.size()).isEqualTo(1);
        assertThat(denied.get(0).path("event").asText()).isEqualTo("ai.budget");
        assertThat(denied.get(0).path("details").path("spent").asText()).isEqualTo("0.00147");
        JsonNode resets = audit("layer=admin");
        assertThat(resets.toString()).contains("\"event\":\"ai.budget.reset\"", "\"owner\":\"admin-a\"", "\"spentBefore\":\"0.00147\"");

        // the team budget lists teams by label value
        http.send(HttpRequest.newBuilder(fx.gateway.uri("/team-budget/v1/messages")).header("X-Test-Team", "finance")
                .header("X-Test-Consumer", "carol").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"claude\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);
        JsonNode teams = adminJson("GET", "/api/routes/team-budget/admin/spend");
        assertThat(teams.path("key").asText()).isEqualTo("label:team");
        assertThat(bySubject(teams, "finance").path("spent").decimalValue()).isEqualByComparingTo("0.00561");

        // operator mistakes get precise answers
        assertThat(admin("GET", "/api/routes/budget/admin/spend-daily?limit=x").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/api/routes/budget/admin/spend-daily/admin-a").statusCode()).isEqualTo(405);
        assertThat(admin("DELETE", "/api/routes/budget/admin/spend-daily").statusCode()).isEqualTo(405);
        assertThat(admin("GET", "/api/routes/budget/admin/spend-daily/a/b").statusCode()).isEqualTo(404);
    }

    static JsonNode bySubject(JsonNode list, String subject) {
        for (JsonNode e : list.path("spend")) {
            if (e.path("subject").asText().equals(subject)) {
                return e;
            }
        }
        throw new AssertionError("no spend entry for " + subject + " in " + list);
    }
}
