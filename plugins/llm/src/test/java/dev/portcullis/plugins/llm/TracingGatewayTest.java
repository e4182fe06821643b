package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.OtlpReceiver;
import dev.portcullis.kernel.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AI gate's spans reach a real OTLP/HTTP receiver: a client span per provider attempt with the
 * GenAI conventions, under the request's server span, carrying the correlation id.
 */
class TracingGatewayTest {

    @Test
    void aChatCallIsTracedWithTheGenAiConventions() throws Exception {
        try (OtlpReceiver collector = OtlpReceiver.start();
             MockProviders mocks = new MockProviders();
             TestGateway gateway = TestGateway.start("""
                     server:
                       accessLog: { enabled: false }
                       tracing: { otlpEndpoint: "%s", exportDelay: 50ms }
                     routes:
                       - name: llm
                         match: { pathPrefix: /v1 }
                         backend:
                           type: llm
                           providers:
                             - { name: openai, type: openai, baseUrl: "%s/openai/ok/v1", apiKey: "k", models: { gpt: gpt-4o-mini } }
                     """.formatted(collector.url(), mocks.url()))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("X-Correlation-Id", "agent-trace-1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> expected = List.of("POST llm", "chat gpt-4o-mini", "gen_ai.operation.name", "gen_ai.provider.name",
                    "gen_ai.request.model", "gpt-4o-mini", "portcullis.correlation_id", "agent-trace-1");
            assertThat(collector.awaitAll(expected)).contains(expected);
        }
    }
}
