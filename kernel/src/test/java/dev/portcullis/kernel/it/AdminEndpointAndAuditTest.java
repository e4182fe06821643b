package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plugin admin endpoints (the {@code test-audit} policy's {@code counter}), the audit trail with
 * its query API, and the correlation id: accepted from the client, generated otherwise, passed to
 * the upstream and recorded with each audit event.
 */
class AdminEndpointAndAuditTest {

    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final AtomicReference<String> upstreamCorrelation = new AtomicReference<>();
    static TestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start().handle("/", ex -> {
            upstreamCorrelation.set(ex.getRequestHeaders().getFirst("X-Correlation-Id"));
            TestUpstream.send(ex, 200, "text/plain", "ok");
        });
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: counted
                    match: { pathPrefix: /c }
                    policies: [ { type: test-audit } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
        return CLIENT.send(r.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri));
    }

    @Test
    void pluginEndpointReadsAndChangesItsState() throws Exception {
        get(gateway.uri("/c/1"));
        get(gateway.uri("/c/2"));
        assertThat(get(gateway.adminUri("/api/endpoints")).body())
                .contains("\"route\" : \"counted\"", "\"path\" : \"/api/routes/counted/admin/counter\"");
        String count = get(gateway.adminUri("/api/routes/counted/admin/counter")).body();
        assertThat(count).matches("\\{\"count\":[1-9][0-9]*}");

        HttpResponse<String> reset = send(HttpRequest.newBuilder(gateway.adminUri("/api/routes/counted/admin/counter/reset"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"why\":\"test\"}")));
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(reset.body()).isEqualTo("{\"count\":0,\"body\":14}");
        assertThat(get(gateway.adminUri("/api/routes/counted/admin/counter")).body()).isEqualTo("{\"count\":0}");

        HttpResponse<String> unknown = send(HttpRequest.newBuilder(gateway.adminUri("/api/routes/counted/admin/counter/nope"))
                .DELETE());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(get(gateway.adminUri("/api/routes/counted/admin/missing")).statusCode()).isEqualTo(404);
        assertThat(get(gateway.adminUri("/api/routes/nosuchroute/admin/counter")).statusCode()).isEqualTo(404);
        assertThat(get(gateway.adminUri("/api/components/nosuch")).statusCode()).isEqualTo(404);
    }

    @Test
    void correlationIdIsTakenFromTheClientPassedUpstreamAndAudited() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.uri("/c/x"))
                .header("X-Correlation-Id", "agent-run-42"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstreamCorrelation.get()).isEqualTo("agent-run-42");

        String audit = get(gateway.adminUri("/api/audit?correlationId=agent-run-42")).body();
        assertThat(audit).contains("\"event\" : \"test.count\"", "\"correlationId\" : \"agent-run-42\"",
                "\"route\" : \"counted\"", "\"outcome\" : \"allow\"");
        assertThat(get(gateway.adminUri("/api/audit?correlationId=someone-else")).body()).doesNotContain("test.count");
        assertThat(get(gateway.adminUri("/api/audit?limit=x")).statusCode()).isEqualTo(400);
    }

    @Test
    void withoutAClientCorrelationIdTheRequestIdIsUsed() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.uri("/c/y"))
                .header("X-Correlation-Id", "not sane!"));
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(upstreamCorrelation.get()).isEqualTo(requestId);
        assertThat(get(gateway.adminUri("/api/audit?correlationId=" + requestId)).body()).contains("test.count");
    }

    @Test
    void summaryCountsRequestsPerRouteAndLayerAndAuditOutcomes() throws Exception {
        String before = get(gateway.adminUri("/api/summary")).body();
        long n = requests(before);
        for (int i = 0; i < 3; i++) {
            get(gateway.uri("/c/s" + i));
        }
        // a request is counted just after its response is written: give the last one a moment
        String after = get(gateway.adminUri("/api/summary")).body();
        for (int i = 0; i < 50 && requests(after) < n + 3; i++) {
            Thread.sleep(100);
            after = get(gateway.adminUri("/api/summary")).body();
        }
        assertThat(requests(after)).isEqualTo(n + 3);
        assertThat(after).contains("\"layer\" : \"api\"", "\"backend\" : \"http\"", "\"allow\" :");
    }

    private static long requests(String summary) throws Exception {
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary);
        return tree.path("layers").path("api").path("requests").asLong(-1);
    }

    @Test
    void dashboardIsServedSelfContained() throws Exception {
        HttpResponse<String> page = get(gateway.adminUri("/dashboard"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Portcullis</title>", "/api/summary")
                .doesNotContain("https://", "http://");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
        HttpResponse<String> root = CLIENT.send(HttpRequest.newBuilder(gateway.adminUri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(302);
    }

    @Test
    void browsersOnOtherOriginsCannotChangeStateOrRebindTheHost() throws Exception {
        URI reset = gateway.adminUri("/api/routes/counted/admin/counter/reset");
        HttpResponse<String> forged = send(HttpRequest.newBuilder(reset)
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("another origin");

        HttpResponse<String> sameOrigin = send(HttpRequest.newBuilder(reset)
                .header("Origin", "http://" + reset.getRawAuthority()).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(sameOrigin.statusCode()).isEqualTo(200);

        // DNS rebinding: the page's own name resolves to 127.0.0.1, so Host carries that name
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", reset.getPort())) {
            s.getOutputStream().write(("GET /api/config HTTP/1.1\r\nHost: rebind.evil.example:" + reset.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            StringBuilder answer = new StringBuilder();
            byte[] buf = new byte[1024];
            int n;
            while (answer.indexOf("}") < 0 && (n = s.getInputStream().read(buf)) > 0) {
                answer.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(answer.toString()).startsWith("HTTP/1.1 403").contains("loopback Host");
        }
    }
}
