package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and oversized input on an AI route: a 1 MB prompt is served, bodies over a limit are a
 * 413 in OpenAI's error format (the route's limit and the listener's), malformed JSON (deeply
 * nested, invalid UTF-8) is a 400 in that format, a provider answering garbage is a 502 in it.
 * Never a stack trace; the route keeps serving.
 */
class LlmHostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestUpstream provider;
    static TestGateway gateway;
    static OpenAIClient sdk;

    @BeforeAll
    static void start() {
        provider = TestUpstream.start()
                .handle("/ok/v1/chat/completions", ex -> {
                    // answers with the size of the prompt it was given, so the test sees it arrived whole
                    JsonNode req = JSON.readTree(provider.last().body());
                    int chars = req.path("messages").path(0).path("content").asText().length();
                    TestUpstream.send(ex, 200, "application/json", """
                            {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
                             "choices":[{"index":0,"message":{"role":"assistant","content":"got %d chars"},"finish_reason":"stop"}],
                             "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""".formatted(chars));
                })
                .respond("/garbage/v1/chat/completions", 200, "application/json", "{\"choices\": [ this is not json")
                .respond("/html/v1/chat/completions", 200, "text/html", "<html>upstream proxy error</html>");
        String url = provider.url();
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false }, limits: { maxRequestBody: 3MiB } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      maxRequestBody: 2MiB
                      providers:
                        - { name: ok, type: openai, baseUrl: "%1$s/ok/v1", apiKey: "sk-p", models: { gpt: gpt-4o-mini } }
                        - { name: garbage, type: openai, baseUrl: "%1$s/garbage/v1", apiKey: "sk-p", models: { garbage: gpt-4o-mini } }
                        - { name: html, type: openai, baseUrl: "%1$s/html/v1", apiKey: "sk-p", models: { html: gpt-4o-mini } }
                """.formatted(url), Map.of());
        sdk = OpenAIOkHttpClient.builder().baseUrl(gateway.uri("/v1").toString()).apiKey("sk-client")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() {
        if (sdk != null) {
            sdk.close();
        }
        gateway.close();
        provider.close();
    }

    static ChatCompletionCreateParams prompt(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
    }

    static HttpResponse<String> post(byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An OpenAI error object with this status and no trace of Java internals. */
    static void assertOpenAiError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("type")).isTrue();
        assertThat(r.body()).doesNotContain("Exception", "\tat ", "com.fasterxml");
    }

    @Test
    void aOneMegabytePromptIsServedWhole() {
        String big = "lorem ipsum ".repeat(1024 * 1024 / 12);
        ChatCompletion c = sdk.chat().completions().create(prompt("gpt", big));
        assertThat(c.choices().get(0).message().content()).hasValue("got " + big.length() + " chars");
    }

    @Test
    void bodiesOverTheRoutesOrTheListenersLimitAre413InOpenAiFormat() throws Exception {
        // over the llm backend's 2 MiB, under the listener's 3 MiB
        assertThatThrownBy(() -> sdk.chat().completions().create(prompt("gpt", "x".repeat(2_200_000))))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(413));
        // over the listener's 3 MiB: refused before the backend runs, still in the route's format
        byte[] huge = ("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(3_300_000) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertOpenAiError(post(huge), 413);
        assertThat(sdk.chat().completions().create(prompt("gpt", "still serving")).choices()).hasSize(1);
    }

    @Test
    void deeplyNestedJsonIs400NotAStackOverflow() throws Exception {
        String nested = "[".repeat(100_000) + "]".repeat(100_000);
        assertOpenAiError(post(("{\"model\":\"gpt\",\"messages\":" + nested + "}").getBytes(StandardCharsets.UTF_8)), 400);
        String objects = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        assertOpenAiError(post(("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":" + objects + "}")
                .getBytes(StandardCharsets.UTF_8)), 400);
        assertThat(sdk.chat().completions().create(prompt("gpt", "still serving")).choices()).hasSize(1);
    }

    @Test
    void invalidUtf8AndNonJsonBodiesAre400() throws Exception {
        byte[] prefix = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
            assertOpenAiError(post(body), 400);
        }
        assertOpenAiError(post("not json at all".getBytes(StandardCharsets.UTF_8)), 400);
        assertOpenAiError(post("{\"model\":\"gpt\",\"messages\":\"not a list\"}".getBytes(StandardCharsets.UTF_8)), 400);
        assertOpenAiError(post(new byte[0]), 400);
    }

    @Test
    void aProviderAnsweringGarbageIs502InOpenAiFormat() throws Exception {
        for (String model : new String[] {"garbage", "html"}) {
            assertThatThrownBy(() -> sdk.chat().completions().create(prompt(model, "hi")))
                    .as(model)
                    .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
        }
        assertThat(sdk.chat().completions().create(prompt("gpt", "still serving")).choices()).hasSize(1);
    }
}
