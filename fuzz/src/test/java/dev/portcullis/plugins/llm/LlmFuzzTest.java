package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigMapper;
import dev.portcullis.kernel.testing.TestUpstream;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The llm backend between two untrusted parties. Clients send arbitrary bodies in the OpenAI or
 * the Anthropic format; providers (OpenAI- and Anthropic-typed, served by a local upstream that
 * answers with the fuzzer's bytes) send arbitrary JSON answers and event streams, which are
 * translated into the client's format. Every outcome must be a response the client's SDK can
 * read: a 2xx, or a 4xx/5xx error object; never a 500 from an escaped exception, never an
 * exception other than an I/O error while the stream is read.
 */
class LlmFuzzTest {

    static volatile byte[] answer = new byte[0];
    static volatile String answerType = "application/json";
    static TestUpstream provider;
    static TestPluginContext context;
    static Backend backend;

    @BeforeAll
    static void start() throws IOException {
        provider = TestUpstream.start()
                .handle("/", ex -> {
                    byte[] bytes = answer;
                    ex.getResponseHeaders().set("Content-Type", answerType);
                    ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
                    try (var out = ex.getResponseBody()) {
                        out.write(bytes);
                    }
                });
        String yaml = """
                timeout: 2s
                streamIdleTimeout: 200ms
                retry: { attempts: 1, backoff: 1ms, maxBackoff: 1ms }
                estimateTokens: false
                circuitBreaker: { failures: 1000000 }
                providers:
                  - { name: oai, type: openai, baseUrl: "%1$s/v1", apiKey: k, models: { from-openai: gpt-4o-mini } }
                  - { name: ant, type: anthropic, baseUrl: "%1$s", apiKey: k, models: { from-anthropic: claude-haiku-4-5 } }
                """.formatted(provider.url());
        LlmBackendFactory factory = new LlmBackendFactory();
        ObjectNode node = (ObjectNode) ConfigMapper.yaml().readTree(yaml);
        context = new TestPluginContext();
        backend = factory.create(new ConfigBinder().bindPlugin(node, factory.configType(), "backend"), context);
    }

    @AfterAll
    static void stop() {
        backend.close();
        context.close();
        provider.close();
    }

    /** Arbitrary client bodies on both client endpoints. */
    @FuzzTest(maxDuration = "20s")
    void clientRequestsAreAnsweredInTheClientsFormat(FuzzedDataProvider data) {
        String path = data.consumeBoolean() ? "/v1/chat/completions" : "/v1/messages";
        answer = "{}".getBytes(StandardCharsets.UTF_8);
        answerType = "application/json";
        byte[] body = data.consumeRemainingAsBytes();
        assertAnswered(TestRequest.post(path).header("Content-Type", "application/json").body(Body.of(body)).exchange());
    }

    /** Arbitrary provider answers, plain and streamed, translated to either client format. */
    @FuzzTest(maxDuration = "30s")
    void providerAnswersAreTranslatedOrRefused(FuzzedDataProvider data) {
        boolean openAiClient = data.consumeBoolean();
        String model = data.consumeBoolean() ? "from-openai" : "from-anthropic";
        boolean stream = data.consumeBoolean();
        answerType = stream ? "text/event-stream" : "application/json";
        answer = data.consumeRemainingAsBytes();
        String request = openAiClient
                ? "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                : "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertAnswered(TestRequest.post(openAiClient ? "/v1/chat/completions" : "/v1/messages")
                .header("Content-Type", "application/json").json(request).exchange());
    }

    private static void assertAnswered(TestExchange ex) {
        Response r;
        try {
            r = backend.handle(ex);
        } catch (GatewayException e) {
            assertThat(e.failure().status()).isNotEqualTo(500);
            return;
        } catch (IOException e) {
            return; // answered 502 by the kernel
        }
        assertThat(r.status()).isBetween(200, 599).isNotEqualTo(500);
        drain(r.body());
    }

    /** Reads the whole answer as the kernel would: I/O errors end it, nothing else may escape. */
    private static void drain(Body body) {
        EventSource events = body.events();
        try {
            if (events != null) {
                try (events) {
                    for (SseEvent e; (e = events.next()) != null; ) {
                        assertThat(e).isNotNull();
                    }
                }
            } else if (!body.isEmpty()) {
                try (InputStream in = body.stream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a broken provider stream ends the client's stream: allowed
        } catch (Exception e) {
            throw new AssertionError("reading the answer threw " + e, e);
        }
    }
}
