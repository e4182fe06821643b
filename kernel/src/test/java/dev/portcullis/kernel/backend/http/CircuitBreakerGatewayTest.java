package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The circuit breaker inside the real gateway: what a client and a metrics scraper see. */
class CircuitBreakerGatewayTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static HttpResponse<String> get(java.net.URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOpenCircuitAnswers503ProblemJsonWithRetryAfterAndShowsInMetrics() throws Exception {
        int refusedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            refusedPort = s.getLocalPort();
        }
        try (TestUpstream healthy = TestUpstream.start().respond("/", 200, "text/plain", "fine");
                TestGateway gateway = TestGateway.start("""
                        server: { accessLog: { enabled: false } }
                        routes:
                          - name: down
                            match: { pathPrefix: /down }
                            backend:
                              type: http
                              targets: [ { url: "http://127.0.0.1:%d" } ]
                              retry: { attempts: 0 }
                              circuitBreaker: { consecutiveFailures: 2, openFor: 30s }
                          - name: up
                            match: { pathPrefix: /up }
                            backend: { type: http, targets: [ { url: "%s" } ], circuitBreaker: {} }
                        """.formatted(refusedPort, healthy.url()))) {
            assertThat(get(gateway.uri("/down")).statusCode()).isEqualTo(502);
            assertThat(get(gateway.uri("/down")).statusCode()).isEqualTo(502);

            HttpResponse<String> open = get(gateway.uri("/down"));
            assertThat(open.statusCode()).isEqualTo(503);
            assertThat(open.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(open.body()).contains("urn:portcullis:problem:circuit-open").contains("127.0.0.1:" + refusedPort);
            long retryAfter = Long.parseLong(open.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 30L);
            assertThat(get(gateway.uri("/up")).body()).isEqualTo("fine");

            String metrics = get(gateway.adminUri("/metrics")).body();
            String target = "target=\"http://127.0.0.1:" + refusedPort + "\"";
            assertThat(metrics.lines().filter(l -> l.startsWith("portcullis_upstream_circuit_state") && l.contains(target)))
                    .singleElement().asString().endsWith(" 2.0");
            assertThat(metrics.lines().filter(l -> l.startsWith("portcullis_upstream_circuit_transitions")
                    && l.contains(target) && l.contains("to=\"open\"")))
                    .singleElement().asString().endsWith(" 1.0");
            assertThat(metrics.lines().filter(l -> l.startsWith("portcullis_upstream_circuit_state")
                    && l.contains(healthy.url())))
                    .singleElement().asString().endsWith(" 0.0");
        }
    }
}
