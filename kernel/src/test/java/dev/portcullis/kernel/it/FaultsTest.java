package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Faults around the kernel: reloads under traffic, stopping under load, plugins that always throw. */
class FaultsTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> get(java.net.URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Version A routes /shared to blue and /only-a to a; version B routes /shared to green and
     * /only-b to b. Every answer must be one that version A or version B gives: a request is
     * served whole by the config it started with, never half by one and half by the other.
     */
    @Test
    void hundredReloadsDuringTrafficLoseAndMisrouteNothing() throws Exception {
        try (TestUpstream blue = TestUpstream.start().respond("/", 200, "text/plain", "blue");
             TestUpstream green = TestUpstream.start().respond("/", 200, "text/plain", "green");
             TestUpstream a = TestUpstream.start().respond("/", 200, "text/plain", "a");
             TestUpstream b = TestUpstream.start().respond("/", 200, "text/plain", "b")) {
            String versionA = """
                    server: { accessLog: { enabled: false }, watchConfig: false }
                    routes:
                      - name: shared
                        match: { pathPrefix: /shared }
                        backend: { type: http, stripPrefix: /shared, targets: [ { url: "%s" } ] }
                      - name: only-a
                        match: { pathPrefix: /only-a }
                        policies: [ { type: test-mark, name: version-a } ]
                        backend: { type: http, stripPrefix: /only-a, targets: [ { url: "%s" } ] }
                    """.formatted(blue.url(), a.url());
            String versionB = """
                    server: { accessLog: { enabled: false }, watchConfig: false }
                    routes:
                      - name: only-b
                        match: { pathPrefix: /only-b }
                        policies: [ { type: test-mark, name: version-b } ]
                        backend: { type: http, stripPrefix: /only-b, targets: [ { url: "%s" } ] }
                      - name: shared
                        match: { pathPrefix: /shared }
                        backend: { type: http, stripPrefix: /shared, targets: [ { url: "%s" } ] }
                    """.formatted(b.url(), green.url());
            try (TestGateway gateway = TestGateway.start(versionA)) {
                AtomicBoolean running = new AtomicBoolean(true);
                Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
                Map<String, Integer> wrong = new ConcurrentHashMap<>();
                List<Future<?>> workers = new ArrayList<>();
                String[] paths = {"/shared", "/only-a", "/only-b"};
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int w = 0; w < 6; w++) {
                        int offset = w;
                        workers.add(pool.submit(() -> {
                            for (int i = offset; running.get(); i++) {
                                String path = paths[i % paths.length];
                                String answer;
                                try {
                                    HttpResponse<String> r = get(gateway.uri(path));
                                    answer = r.statusCode() == 200 ? r.body() + " " + r.headers().firstValue("X-Marks").orElse("-")
                                            : String.valueOf(r.statusCode());
                                } catch (Exception e) {
                                    answer = e.toString();
                                }
                                boolean valid = switch (path) {
                                    case "/shared" -> answer.equals("blue -") || answer.equals("green -");
                                    // present in one version, 404 no-route in the other; the policy is its own version's
                                    case "/only-a" -> answer.equals("a version-a") || answer.equals("404");
                                    default -> answer.equals("b version-b") || answer.equals("404");
                                };
                                if (valid) {
                                    seen.computeIfAbsent(path + " " + answer, k -> new AtomicInteger()).incrementAndGet();
                                } else {
                                    wrong.merge(path + " -> " + answer, 1, Integer::sum);
                                }
                            }
                            return null;
                        }));
                    }
                    for (int i = 0; i < 100; i++) {
                        var result = gateway.reload(i % 2 == 0 ? versionB : versionA);
                        assertThat(result.applied()).as(String.valueOf(result.errors())).isTrue();
                        Thread.sleep(5);
                    }
                    running.set(false);
                    for (Future<?> f : workers) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                }
                assertThat(wrong).as("answers no config version gives").isEmpty();
                assertThat(gateway.gateway().current().version()).isEqualTo(101);
                // both versions really served traffic
                assertThat(seen.keySet()).contains("/shared blue -", "/shared green -", "/only-a a version-a", "/only-b b version-b");
            }
        }
    }

    @Test
    void stopUnderLoadDrainsEveryInFlightRequestAndRefusesNewConnections() throws Exception {
        int inFlight = 40;
        CountDownLatch arrived = new CountDownLatch(inFlight);
        try (TestUpstream upstream = TestUpstream.start().handle("/slow", ex -> {
            arrived.countDown();
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestUpstream.send(ex, 200, "text/plain", "finished " + ex.getRequestURI().getQuery());
        })) {
            TestGateway gateway = TestGateway.start("""
                    server: { accessLog: { enabled: false }, shutdownGracePeriod: 10s }
                    routes:
                      - name: slow
                        match: { pathPrefix: /slow }
                        backend: { type: http, targets: [ { url: "%s" } ] }
                    """.formatted(upstream.url()));
            int port = gateway.port();
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            // a fresh client, so every request has its own connection
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < inFlight; i++) {
                pending.add(client.sendAsync(HttpRequest.newBuilder(gateway.uri("/slow?n=" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("all requests reached the upstream").isTrue();
            long t0 = System.nanoTime();
            gateway.close(); // what SIGTERM does (Main.serve); DistributionIT sends a real SIGTERM
            long drainMillis = (System.nanoTime() - t0) / 1_000_000;
            for (int i = 0; i < inFlight; i++) {
                HttpResponse<String> r = pending.get(i).get(10, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("finished n=" + i);
            }
            // close() returned only after the in-flight requests were answered, well within the grace period
            assertThat(drainMillis).isLessThan(10_000);
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aPluginThrowingInEveryPhaseGives500sWithoutDetailsAndTheGatewayKeepsServing() throws Exception {
        try (TestUpstream upstream = TestUpstream.start().respond("/ok", 200, "text/plain", "ok")
                .handle("/events", ex -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write("data: one\n\ndata: two\n\n".getBytes(StandardCharsets.UTF_8));
                    }
                });
             TestGateway gateway = TestGateway.start("""
                     server: { accessLog: { enabled: false } }
                     routes:
                       - name: request-phase
                         match: { pathPrefix: /request }
                         policies: [ { type: test-boom } ]
                         backend: { type: http, targets: [ { url: "%1$s" } ] }
                       - name: response-phase
                         match: { pathPrefix: /response }
                         policies: [ { type: test-boom-late } ]
                         backend: { type: http, stripPrefix: /response, targets: [ { url: "%1$s" } ] }
                       - name: stream-phase
                         match: { pathPrefix: /stream }
                         policies: [ { type: test-boom-late } ]
                         backend: { type: http, stripPrefix: /stream, addPrefix: /events, targets: [ { url: "%1$s" } ] }
                       - name: healthy
                         match: { pathPrefix: /ok }
                         backend: { type: http, targets: [ { url: "%1$s" } ] }
                     """.formatted(upstream.url()))) {
            for (int i = 0; i < 50; i++) {
                for (String path : new String[] {"/request", "/response/ok"}) {
                    HttpResponse<String> r = get(gateway.uri(path));
                    assertThat(r.statusCode()).as(path).isEqualTo(500);
                    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                    assertThat(r.body()).contains("internal-error", "quote request id")
                            .doesNotContain("secret detail", "Exception", "\tat ");
                }
                // a hook that throws on an event: a 500 if nothing was sent yet, else the stream is
                // cut (connection closed, no last chunk), never ended as if it were complete
                RawHttp.Reply s = RawHttp.sendOne(gateway.port(), "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", 5000);
                assertThat(s.text()).doesNotContain("data: one", "secret detail", "Exception", "\tat ");
                if (s.status() == 500) {
                    assertThat(s.text()).contains("application/problem+json", "internal-error");
                } else {
                    assertThat(s.status()).as(s.text()).isEqualTo(200);
                    assertThat(s.closed()).isTrue();
                    assertThat(s.text()).doesNotEndWith("0\r\n\r\n");
                }
                assertThat(get(gateway.uri("/ok")).body()).isEqualTo("ok");
            }
            String metrics = get(gateway.adminUri("/metrics")).body();
            assertThat(metrics).containsPattern("portcullis_requests_seconds_count\\{route=\"request-phase\",status=\"500\"} 50");
        }
    }
}
