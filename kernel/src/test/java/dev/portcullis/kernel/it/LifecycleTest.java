package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Client disconnects, draining on stop, and refusal of invalid configs at start. */
class LifecycleTest {

    @Test
    void clientDisconnectCancelsTheUpstreamStream() throws Exception {
        CountDownLatch upstreamSawCancel = new CountDownLatch(1);
        try (TestUpstream upstream = TestUpstream.start().handle("/ticks", ex -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    try {
                        for (int i = 0; i < 2000; i++) {
                            out.write(("data: tick " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            Thread.sleep(20);
                        }
                    } catch (IOException e) {
                        upstreamSawCancel.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
             TestGateway gateway = TestGateway.start("""
                     server: { accessLog: { enabled: false } }
                     routes:
                       - name: ticks
                         match: { path: /ticks }
                         backend: { type: http, targets: [ { url: "%s" } ] }
                     """.formatted(upstream.url()))) {
            try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                s.getOutputStream().write("GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] buf = new byte[512];
                String got = "";
                while (!got.contains("tick 1")) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    got += new String(buf, 0, n, StandardCharsets.UTF_8);
                }
            }
            assertThat(upstreamSawCancel.await(10, TimeUnit.SECONDS)).as("upstream connection closed after client left").isTrue();
        }
    }

    @Test
    void stopDrainsInFlightRequests() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        try (TestUpstream upstream = TestUpstream.start().handle("/slow", ex -> {
            arrived.countDown();
            try {
                Thread.sleep(800);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestUpstream.send(ex, 200, "text/plain", "finished");
        })) {
            TestGateway gateway = TestGateway.start("""
                    server: { accessLog: { enabled: false }, shutdownGracePeriod: 10s }
                    routes:
                      - name: slow
                        match: { path: /slow }
                        backend: { type: http, targets: [ { url: "%s" } ] }
                    """.formatted(upstream.url()));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(gateway.uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
            gateway.close();
            HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("finished");
        }
    }

    @Test
    void invalidConfigAtStartListsEveryErrorWithItsPath() {
        assertThatThrownBy(() -> TestGateway.start("""
                server: { port: 99999 }
                policies:
                  p1: { type: no-such-policy }
                routes:
                  - name: a
                    match: { pathPrefix: /a }
                    policies: [ missing-policy ]
                    backend: { type: http, targets: [ { url: "ftp://x" } ] }
                  - name: b
                    match: { pathPrefix: /b }
                    backend: { type: no-such-backend }
                """))
                .isInstanceOf(ConfigInvalidException.class)
                .satisfies(e -> {
                    var lines = ((ConfigInvalidException) e).lines();
                    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("server.port"));
                    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("routes[0].policies[0]").contains("missing-policy"));
                });
    }

    @Test
    void unknownTypesAreReportedWithTheKnownOnes() {
        assertThatThrownBy(() -> TestGateway.start("""
                policies:
                  p1: { type: no-such-policy }
                  p2: { type: test-mark, name: x, shadow: "sometimes" }
                routes:
                  - name: b
                    match: { pathPrefix: /b }
                    policies: [ p1 ]
                    backend: { type: no-such-backend }
                """))
                .isInstanceOf(ConfigInvalidException.class)
                .satisfies(e -> {
                    var lines = ((ConfigInvalidException) e).lines();
                    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("policies.p1.type").contains("unknown policy type 'no-such-policy'").contains("test-mark"));
                    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("routes[0].backend.type").contains("known: http"));
                    assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("policies.p2.shadow: expected true or false"));
                });
    }
}
