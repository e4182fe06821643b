package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.backend.http.HttpBackendConfig.HealthCheck;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Passive;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Retry;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Target;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Timeouts;
import dev.portcullis.upstream.RawServer;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Response;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpBackendTest {

    private final TestPluginContext context = new TestPluginContext();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        context.close();
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private RawServer server(RawServer.Responder responder) throws IOException {
        return track(RawServer.http(responder));
    }

    private Backend backend(HttpBackendConfig config) {
        CollectingConfigErrors errors = new CollectingConfigErrors();
        config.validate(errors);
        assertThat(errors.lines()).isEmpty();
        return track(new HttpBackendFactory().create(config, context));
    }

    private static HttpBackendConfig config(List<Target> targets, String lb, Retry retry, Passive passive) {
        return new HttpBackendConfig(targets, lb, new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(300), null),
                retry, null, null, passive, null, null, null, null, null);
    }

    private static List<Target> targets(RawServer... servers) {
        List<Target> list = new ArrayList<>();
        for (RawServer s : servers) {
            list.add(new Target(s.url(), 1));
        }
        return list;
    }

    private static Retry noRetry() {
        return new Retry(0, null, null, null, null);
    }

    private static String text(Response r) throws IOException {
        try (InputStream in = r.body().stream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String refusedUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void rewritesThePathAndForwardsEndToEndHeadersWithXForwarded() throws Exception {
        RawServer up = server(req -> RawServer.ok("ok"));
        Backend backend = backend(new HttpBackendConfig(List.of(new Target(up.url() + "/base/", null)), null, null, null,
                null, null, null, "/api", "/v2", null, null, null));
        Headers h = Headers.of("Host", "gw.example:8443", "Connection", "keep-alive, X-Drop", "X-Drop", "1",
                "Keep-Alive", "timeout=5", "TE", "trailers", "Proxy-Authorization", "Basic x", "Upgrade", "h2c",
                "X-Keep", "yes", "X-Forwarded-For", "10.0.0.1", "X-Request-Id", "spoofed");
        TestExchange ex = TestRequest.get("/api/users/a%2Fb?q=1%20").headers(h).scheme("https").host("gateway.test")
                .clientIp("192.0.2.7").exchange().requestId("rid-42");

        Response r = backend.handle(ex);

        assertThat(r.status()).isEqualTo(200);
        assertThat(text(r)).isEqualTo("ok");
        RawServer.Req seen = up.requests.get(0);
        assertThat(seen.target()).isEqualTo("/base/v2/users/a%2Fb?q=1%20");
        assertThat(seen.headers())
                .containsEntry("host", "127.0.0.1:" + up.port())
                .containsEntry("x-keep", "yes")
                .containsEntry("x-forwarded-for", "10.0.0.1, 192.0.2.7")
                .containsEntry("x-forwarded-proto", "https")
                .containsEntry("x-forwarded-host", "gw.example:8443")
                .containsEntry("x-request-id", "rid-42")
                .doesNotContainKeys("connection", "x-drop", "keep-alive", "te", "proxy-authorization", "upgrade");
    }

    @Test
    void stripPrefixWorksOnSegmentsAndPreserveHostKeepsTheClientHost() throws Exception {
        RawServer up = server(req -> RawServer.ok(req.target() + " " + req.headers().get("host")));
        Backend backend = backend(new HttpBackendConfig(targets(up), null, null, null, null, null, null, "/api", null, true, null, null));
        TestExchange exact = TestRequest.get("/api").header("Host", "public.example").exchange();
        assertThat(text(backend.handle(exact))).isEqualTo("/ public.example");
        assertThat(text(backend.handle(TestRequest.get("/apix/1").host("gateway.test").exchange()))).isEqualTo("/apix/1 gateway.test");
    }

    @Test
    void reusesKeepAliveConnectionsAndDropsHopByHopResponseHeaders() throws Exception {
        RawServer up = server(req -> "HTTP/1.1 200 OK\r\nConnection: X-Secret\r\nX-Secret: s\r\nX-App: a\r\nContent-Length: 2\r\n\r\nhi");
        Backend backend = backend(config(targets(up), null, null, null));
        for (int i = 0; i < 3; i++) {
            Response r = backend.handle(TestExchange.get("/"));
            assertThat(r.headers().names()).containsExactly("x-app");
            assertThat(r.body().length()).isEqualTo(2);
            assertThat(text(r)).isEqualTo("hi");
        }
        assertThat(up.accepted()).isEqualTo(1);
    }

    @Test
    void serverSentEventsFlowOneByOne() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        RawServer up = track(RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "b\r\ndata: one\n\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (firstRead.await(5, TimeUnit.SECONDS)) {
                out.write("b\r\ndata: two\n\n\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }));
        Backend backend = backend(config(targets(up), null, null, null));
        Response r = backend.handle(TestExchange.get("/events"));
        assertThat(r.isEventStream()).isTrue();
        assertThat(r.body().length()).isEqualTo(-1);
        InputStream in = r.body().stream();
        byte[] buf = new byte[256];
        int n = in.read(buf);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("data: one\n\n");
        firstRead.countDown();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("data: two\n\n");
        in.close();
    }

    @Test
    void streamsTheRequestBodyUpstream() throws Exception {
        RawServer up = server(req -> RawServer.ok(req.headers().get("transfer-encoding") + ":" + req.bodyText()));
        Backend backend = backend(config(targets(up), null, null, null));
        InputStream upload = new java.io.ByteArrayInputStream("streamed body".getBytes(StandardCharsets.UTF_8));
        Response r = backend.handle(TestRequest.post("/upload").body(Body.of(upload, -1)).exchange());
        assertThat(text(r)).isEqualTo("chunked:streamed body");
    }

    @Test
    void clientGoingAwayClosesTheUpstreamConnection() throws Exception {
        CountDownLatch upstreamSawEof = new CountDownLatch(1);
        RawServer up = track(RawServer.start(s -> {
            InputStream in = s.getInputStream();
            RawServer.readRequest(in);
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
            if (in.read() == -1) {
                upstreamSawEof.countDown();
            }
        }));
        Backend backend = backend(config(targets(up), null, null, null));
        Response r = backend.handle(TestExchange.get("/big"));
        assertThat(r.body().length()).isEqualTo(1_000_000);
        r.body().stream().readNBytes(7);
        r.body().discard();
        assertThat(upstreamSawEof.await(2, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void headAnd204AnswerWithoutABody() throws Exception {
        RawServer up = server(req -> req.method().equals("HEAD")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n" : "HTTP/1.1 204 No Content\r\n\r\n");
        Backend backend = backend(config(targets(up), null, null, null));
        Response head = backend.handle(TestRequest.builder("HEAD", "/").exchange());
        assertThat(head.body().isEmpty()).isTrue();
        assertThat(head.headers().get("Content-Length")).isEqualTo("42");
        Response none = backend.handle(TestExchange.get("/"));
        assertThat(none.status()).isEqualTo(204);
        assertThat(none.body().isEmpty()).isTrue();
        assertThat(up.accepted()).isEqualTo(1);
    }

    @Test
    void refusedConnectionIs502WithTargetAndCause() throws Exception {
        String url = refusedUrl();
        Backend backend = backend(config(List.of(new Target(url, 1)), null, noRetry(), null));
        assertThatThrownBy(() -> backend.handle(TestExchange.get("/")))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.failure().status()).isEqualTo(502);
                    assertThat(e.failure().code()).isEqualTo("upstream-unreachable");
                    assertThat(e.failure().detail()).isEqualTo("upstream " + url.substring(7) + ": connection refused");
                });
        assertThat(context.meters().get("portcullis.upstream.errors").tag("target", url).tag("cause", "unreachable")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void slowUpstreamIs504() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RawServer up = track(RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            release.await(5, TimeUnit.SECONDS);
        }));
        Backend backend = backend(config(targets(up), null, noRetry(), null));
        try {
            assertThatThrownBy(() -> backend.handle(TestExchange.get("/")))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.failure().status()).isEqualTo(504);
                        assertThat(e.failure().code()).isEqualTo("upstream-timeout");
                        assertThat(e.failure().detail()).contains("127.0.0.1:" + up.port()).contains("no response within 300ms");
                    });
        } finally {
            release.countDown();
        }
    }

    @Test
    void resetInTheMiddleOfTheBodyReachesTheReaderAsIOException() throws Exception {
        RawServer up = track(RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0);
        }));
        Backend backend = backend(config(targets(up), null, noRetry(), null));
        Response r = backend.handle(TestExchange.get("/"));
        assertThatThrownBy(() -> r.body().stream().readAllBytes()).isInstanceOf(IOException.class);
    }

    @Test
    void idempotentRequestsRetryOnAnotherTargetButPostDoesNot() throws Exception {
        RawServer good = server(req -> RawServer.ok("good"));
        String down = refusedUrl();
        Backend backend = backend(config(List.of(new Target(down, 1), new Target(good.url(), 1)), null,
                new Retry(1, Duration.ofMillis(1), null, null, null), new Passive(0, null)));
        // round robin starts at the refused target: the POST lands there and is not retried
        assertThatThrownBy(() -> backend.handle(TestRequest.post("/").body("x").exchange()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.failure().status()).isEqualTo(502));
        for (int i = 0; i < 4; i++) {
            assertThat(text(backend.handle(TestExchange.get("/")))).isEqualTo("good");
        }
        double retries = context.meters().get("portcullis.upstream.retries").tag("target", down).counter().count();
        double refused = context.meters().get("portcullis.upstream.errors").tag("target", down).tag("cause", "unreachable")
                .counter().count();
        assertThat(retries).isPositive();
        assertThat(refused).isEqualTo(retries + 1); // every GET that met the refused target moved on; the POST did not
        assertThat(good.requests).hasSize(4);
    }

    @Test
    void retryAfterOn503IsHonouredUpToMaxBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RawServer up = server(req -> calls.incrementAndGet() == 1
                ? "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nbusy"
                : RawServer.ok("ready"));
        Backend backend = backend(config(targets(up), null,
                new Retry(1, Duration.ofMillis(1), Duration.ofMillis(300), null, null), null));
        long start = System.nanoTime();
        Response r = backend.handle(TestExchange.get("/"));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(text(r)).isEqualTo("ready");
        assertThat(tookMillis).isBetween(290L, 950L); // Retry-After: 1 capped at maxBackoff 300ms, not the 1ms backoff
        assertThat(up.accepted()).isEqualTo(1); // the drained 503 left the connection reusable
    }

    @Test
    void passiveEjectionStopsTrafficToAFailingTarget() throws Exception {
        RawServer bad = server(req -> "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        RawServer good = server(req -> RawServer.ok("good"));
        Backend backend = backend(config(targets(bad, good), null, noRetry(), new Passive(2, Duration.ofSeconds(30))));
        int errors = 0;
        for (int i = 0; i < 10; i++) {
            if (backend.handle(TestExchange.get("/")).status() == 500) {
                errors++;
            }
        }
        assertThat(errors).isEqualTo(2);
        assertThat(bad.requests).hasSize(2);
        assertThat(good.requests).hasSize(8);
        assertThat(context.meters().get("portcullis.upstream.healthy").tag("target", bad.url()).gauge().value()).isZero();
        assertThat(context.meters().get("portcullis.upstream.healthy").tag("target", good.url()).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void activeHealthCheckTakesATargetOutAndBackIn() throws Exception {
        AtomicInteger healthStatus = new AtomicInteger(200);
        RawServer up = server(req -> req.target().equals("/healthz")
                ? "HTTP/1.1 " + healthStatus.get() + " X\r\nContent-Length: 0\r\n\r\n"
                : RawServer.ok("served"));
        Backend backend = backend(new HttpBackendConfig(targets(up), null, null, noRetry(),
                new HealthCheck("/healthz", Duration.ofMillis(20), Duration.ofMillis(500), 2, 2), null, null, null, null, null, null, null));
        assertThat(text(backend.handle(TestExchange.get("/")))).isEqualTo("served");

        healthStatus.set(503);
        GatewayException down = awaitFailure(backend);
        assertThat(down.failure().status()).isEqualTo(503);
        assertThat(down.failure().code()).isEqualTo("no-healthy-upstream");

        healthStatus.set(200);
        long deadline = System.nanoTime() + 3_000_000_000L;
        String body = null;
        while (body == null && System.nanoTime() < deadline) {
            try {
                body = text(backend.handle(TestExchange.get("/")));
            } catch (GatewayException stillDown) {
                Thread.sleep(10);
            }
        }
        assertThat(body).isEqualTo("served");
    }

    private static GatewayException awaitFailure(Backend backend) throws Exception {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                backend.handle(TestExchange.get("/")).body().discard();
                Thread.sleep(10);
            } catch (GatewayException e) {
                return e;
            }
        }
        throw new AssertionError("target never went down");
    }

    @Test
    void roundRobinSpreadsEvenly() throws Exception {
        RawServer a = server(req -> RawServer.ok("a"));
        RawServer b = server(req -> RawServer.ok("b"));
        RawServer c = server(req -> RawServer.ok("c"));
        Backend backend = backend(config(targets(a, b, c), "round-robin", null, null));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            order.append(text(backend.handle(TestExchange.get("/"))));
        }
        assertThat(order.toString()).isEqualTo("abcabcabc");
    }

    @Test
    void weightedSpreadsByWeightSmoothly() throws Exception {
        RawServer a = server(req -> RawServer.ok("a"));
        RawServer b = server(req -> RawServer.ok("b"));
        Backend backend = backend(config(List.of(new Target(a.url(), 3), new Target(b.url(), 1)), "weighted", null, null));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            order.append(text(backend.handle(TestExchange.get("/"))));
        }
        assertThat(order.chars().filter(ch -> ch == 'a').count()).isEqualTo(6);
        assertThat(order.toString()).doesNotContain("bb").doesNotContain("aaaa");
    }

    @Test
    void leastRequestsPrefersTheIdleTarget() throws Exception {
        RawServer a = server(req -> RawServer.ok("a"));
        RawServer b = server(req -> RawServer.ok("b"));
        Backend backend = backend(config(targets(a, b), "least-requests", null, null));
        Response held = backend.handle(TestExchange.get("/")); // body left open: one request in flight
        String busy = held.body().stream().readNBytes(1).length == 1 && a.requests.size() == 1 ? "a" : "b";
        StringBuilder others = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            others.append(text(backend.handle(TestExchange.get("/"))));
        }
        assertThat(others.toString()).isEqualTo((busy.equals("a") ? "b" : "a").repeat(6));
        held.body().discard();
    }

    @Test
    void factoryIsAnIndexedPf4jExtension() throws Exception {
        assertThat(new HttpBackendFactory().type()).isEqualTo("http");
        // test-classes has its own (empty) index too: PF4J reads every one on the class path
        StringBuilder all = new StringBuilder();
        for (var url : java.util.Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream idx = url.openStream()) {
                all.append(new String(idx.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(all.toString()).contains(HttpBackendFactory.class.getName());
    }
}
