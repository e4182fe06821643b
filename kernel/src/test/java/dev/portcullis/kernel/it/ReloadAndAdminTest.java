package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.Gateway;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hot reload, the admin API, and their guarantees: atomic swap, invalid config kept out. */
class ReloadAndAdminTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    TestUpstream blue;
    TestUpstream green;
    TestGateway gateway;

    @BeforeEach
    void start() {
        blue = TestUpstream.start().respond("/", 200, "text/plain", "blue");
        green = TestUpstream.start().respond("/", 200, "text/plain", "green");
        gateway = TestGateway.start(config(blue), Map.of("SECRET_KEY", "s3cr3t-value"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        blue.close();
        green.close();
    }

    static String config(TestUpstream target) {
        return """
                server: { accessLog: { enabled: false }, watchConfig: false }
                consumers:
                  - { name: acme, apiKeys: ["${SECRET_KEY}"] }
                routes:
                  - name: color
                    match: { pathPrefix: /color }
                    backend: { type: http, stripPrefix: /color, targets: [ { url: "%s" } ] }
                """.formatted(target.url());
    }

    static HttpResponse<String> send(HttpRequest r) throws Exception {
        return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(java.net.URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build());
    }

    @Test
    void reloadSwapsTheRouteAndAnInvalidConfigKeepsTheRunningOne() throws Exception {
        assertThat(get(gateway.uri("/color")).body()).isEqualTo("blue");
        Gateway.ReloadResult ok = gateway.reload(config(green));
        assertThat(ok.applied()).isTrue();
        assertThat(ok.version()).isEqualTo(2);
        assertThat(get(gateway.uri("/color")).body()).isEqualTo("green");

        Gateway.ReloadResult bad = gateway.reload("""
                routes:
                  - name: color
                    match: { pathPrefx: /color }
                    backend: { type: nope }
                  - name: color
                    backend: { type: http, targets: [ { url: "not a url" } ] }
                """);
        assertThat(bad.applied()).isFalse();
        assertThat(bad.version()).isEqualTo(2);
        assertThat(bad.errors()).anySatisfy(e -> assertThat(e).contains("routes[0].match.pathPrefx"));
        assertThat(bad.errors()).anySatisfy(e -> assertThat(e).contains("routes[1]"));
        assertThat(get(gateway.uri("/color")).body()).isEqualTo("green");
    }

    @Test
    void adminReloadEndpointReportsErrorsAs422() throws Exception {
        java.nio.file.Files.writeString(gateway.dir().resolve("portcullis.yaml"), "routes: [ { name: x, backend: { type: unknown-type } } ]");
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.adminUri("/api/reload")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("rejected", "routes[0].backend.type", "unknown backend type 'unknown-type'");
        assertThat(get(gateway.uri("/color")).body()).isEqualTo("blue");
    }

    @Test
    void reloadsUnderTrafficLoseNoRequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        List<Future<?>> workers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = get(gateway.uri("/color"));
                            if (r.statusCode() == 200 && (r.body().equals("blue") || r.body().equals("green"))) {
                                ok.incrementAndGet();
                            } else {
                                failures.merge(r.statusCode() + " " + r.body(), 1, Integer::sum);
                            }
                        } catch (Exception e) {
                            failures.merge(e.toString(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 30; i++) {
                assertThat(gateway.reload(config(i % 2 == 0 ? green : blue)).applied()).isTrue();
                Thread.sleep(10);
            }
            running.set(false);
            for (Future<?> f : workers) {
                f.get();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(30);
    }

    @Test
    void adminEndpoints() throws Exception {
        get(gateway.uri("/color"));
        assertThat(get(gateway.adminUri("/health")).body()).contains("UP");
        HttpResponse<String> ready = get(gateway.adminUri("/ready"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("READY");
        String metrics = get(gateway.adminUri("/metrics")).body();
        assertThat(metrics).contains("portcullis_requests_seconds_count{route=\"color\",status=\"200\"}");
        assertThat(metrics).contains("portcullis_requests_active");
        // the shared client keeps its connection to the gateway port open
        assertThat(metrics).containsPattern("portcullis_connections_open [1-9]");
        assertThat(get(gateway.adminUri("/api/routes")).body()).contains("\"name\" : \"color\"", "\"backend\" : \"http\"");
        assertThat(get(gateway.adminUri("/api/plugins")).body()).contains("backend:http");
        String config = get(gateway.adminUri("/api/config")).body();
        assertThat(config).contains("acme").doesNotContain("s3cr3t-value").contains("redacted");
    }

    @Test
    void adminIsNotOnTheGatewayPort() throws Exception {
        assertThat(get(gateway.uri("/api/config")).statusCode()).isEqualTo(404);
    }
}
