package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.OtlpReceiver;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Tracing through a real OTLP/HTTP receiver: the server span continues the client's trace, a
 * plugin's child span and the correlation id are exported, and the upstream gets a traceparent
 * naming the gateway's span.
 */
class TracingTest {

    @Test
    void spansReachTheOtlpReceiverWithTheCorrelationIdAndTheTraceContinuesUpstream() throws Exception {
        AtomicReference<String> upstreamTraceparent = new AtomicReference<>();
        String clientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientParent = "00-" + clientTraceId + "-00f067aa0ba902b7-01";
        try (OtlpReceiver collector = OtlpReceiver.start();
             TestUpstream upstream = TestUpstream.start().handle("/", ex -> {
                    upstreamTraceparent.set(ex.getRequestHeaders().getFirst("traceparent"));
                    TestUpstream.send(ex, 200, "text/plain", "ok");
                });
             TestGateway gateway = TestGateway.start("""
                     server:
                       accessLog: { enabled: false }
                       tracing: { otlpEndpoint: "%s", serviceName: gw-under-test, exportDelay: 50ms }
                     routes:
                       - name: traced
                         match: { pathPrefix: /t }
                         policies: [ { type: test-audit } ]
                         backend: { type: http, targets: [ { url: "%s" } ] }
                     """.formatted(collector.url(), upstream.url()))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/t/x"))
                    .header("traceparent", clientParent).header("X-Correlation-Id", "run-7")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);

            String forwarded = upstreamTraceparent.get();
            assertThat(forwarded).startsWith("00-" + clientTraceId + "-").isNotEqualTo(clientParent);

            byte[] traceId = HexFormat.of().parseHex(clientTraceId);
            // protobuf carries strings and ids as raw bytes: look for them in the export
            List<String> expected = List.of("gw-under-test", "GET traced", "test.child", "portcullis.correlation_id", "run-7",
                    "http.route", new String(traceId, StandardCharsets.ISO_8859_1));
            assertThat(collector.awaitAll(expected)).contains(expected);
        }
    }

    @Test
    void withoutAnEndpointNothingIsTracedAndTheClientTraceparentPassesThrough() throws Exception {
        AtomicReference<String> upstreamTraceparent = new AtomicReference<>();
        String clientParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (TestUpstream upstream = TestUpstream.start().handle("/", ex -> {
                    upstreamTraceparent.set(ex.getRequestHeaders().getFirst("traceparent"));
                    TestUpstream.send(ex, 200, "text/plain", "ok");
                });
             TestGateway gateway = TestGateway.start("""
                     server: { accessLog: { enabled: false } }
                     routes:
                       - name: plain
                         match: { pathPrefix: /t }
                         backend: { type: http, targets: [ { url: "%s" } ] }
                     """.formatted(upstream.url()))) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/t/x")).header("traceparent", clientParent)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upstreamTraceparent.get()).isEqualTo(clientParent);
        }
    }

    @Test
    void anInvalidTracingConfigIsRefusedWithItsPath() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGateway.start("""
                server: { tracing: { otlpEndpoint: "ftp://x", sampleRatio: 2 } }
                routes: []
                """)).hasMessageContaining("server.tracing.sampleRatio").hasMessageContaining("server.tracing.otlpEndpoint");
    }
}
