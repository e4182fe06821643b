package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.UpstreamHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SPI's {@link UpstreamHttp} as plugins get it, against real servers on loopback. */
class SpiUpstreamHttpTest {

    private UpstreamHttp http = client(new UpstreamHttp.Options(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(300), null));

    private static UpstreamHttp client(UpstreamHttp.Options options) {
        return SpiUpstreamHttp.of(options, null);
    }

    @AfterEach
    void closeClient() {
        http.close();
    }

    @Test
    void sendsMethodTargetHeadersAndBodyAndReadsTheReply() throws Exception {
        try (RawServer server = RawServer.http(req -> "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy")) {
            URI uri = URI.create(server.url() + "/v1/chat%20x?key=a%2Fb");
            try (UpstreamHttp.Reply r = http.send("POST", uri, Headers.of("Authorization", "Bearer k", "Content-Length", "999"),
                    Body.of("{\"q\":1}"))) {
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.headers().get("Retry-After")).isEqualTo("7");
                assertThat(r.contentLength()).isEqualTo(4);
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("busy");
            }
            RawServer.Req req = server.requests.getFirst();
            assertThat(req.method()).isEqualTo("POST");
            assertThat(req.target()).isEqualTo("/v1/chat%20x?key=a%2Fb");
            assertThat(req.headers()).containsEntry("host", "127.0.0.1:" + server.port())
                    .containsEntry("authorization", "Bearer k").containsEntry("content-length", "7");
            assertThat(req.bodyText()).isEqualTo("{\"q\":1}");
        }
    }

    @Test
    void aReplyReadToItsEndAndClosedLeavesItsConnectionForTheNextCall() throws Exception {
        try (RawServer server = RawServer.http(req -> RawServer.ok("answer " + req.target()))) {
            for (int i = 0; i < 3; i++) {
                URI uri = URI.create(server.url() + "/" + i);
                try (UpstreamHttp.Reply r = http.send("POST", uri, new Headers(), Body.of("x"))) {
                    assertThat(new String(r.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("answer /" + i);
                }
                assertThat(((SpiUpstreamHttp) http).idleConnections(uri)).isEqualTo(1);
            }
            assertThat(server.accepted()).as("one connection served all three calls").isEqualTo(1);
        }
    }

    @Test
    void aReplyClosedBeforeItsEndClosesItsConnection() throws Exception {
        CountDownLatch upstreamSawClose = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (s.getInputStream().read() == -1) {
                upstreamSawClose.countDown();
            }
        })) {
            URI uri = URI.create(server.url() + "/");
            UpstreamHttp.Reply r = http.send("GET", uri, new Headers(), Body.empty());
            assertThat(r.body().readNBytes(5)).isEqualTo("first".getBytes(StandardCharsets.US_ASCII));
            r.close();
            r.close(); // idempotent
            assertThat(upstreamSawClose.await(5, TimeUnit.SECONDS)).as("the upstream saw its connection closed").isTrue();
            assertThat(((SpiUpstreamHttp) http).idleConnections(uri)).isZero();
        }
    }

    @Test
    void noResponseHeadInTimeIsASocketTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            release.await(5, TimeUnit.SECONDS);
        })) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.send("POST", URI.create(server.url() + "/"), new Headers(), Body.of("x")))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("127.0.0.1:" + server.port() + ": no response within 300ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            release.countDown();
        }
    }

    @Test
    void silenceInsideTheBodyIsASocketTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            release.await(5, TimeUnit.SECONDS);
        })) {
            try (UpstreamHttp.Reply r = http.send("GET", URI.create(server.url() + "/"), new Headers(), Body.empty())) {
                InputStream body = r.body();
                assertThat(body.readNBytes(2)).hasSize(2);
                assertThatThrownBy(body::read).isInstanceOf(SocketTimeoutException.class);
            }
            release.countDown();
        }
    }

    @Test
    void aRefusedConnectionIsAnIOExceptionButNoTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> http.send("GET", URI.create("http://127.0.0.1:" + port + "/"), new Headers(), Body.empty()))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(SocketTimeoutException.class)
                .hasMessage("connection refused");
    }

    @Test
    void anInterruptedCallClosesItsConnectionFailsWithoutTimeoutAndIsNotRetried() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch upstreamSawClose = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            RawServer.readRequest(in);
            out.write(RawServer.ok("pooled").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawServer.readRequest(in); // the second call, on the pooled connection: never answered
            held.countDown();
            if (in.read() == -1) {
                upstreamSawClose.countDown();
            }
        })) {
            URI uri = URI.create(server.url() + "/");
            UpstreamHttp patient = client(new UpstreamHttp.Options(null, Duration.ofSeconds(30), null, null));
            try (UpstreamHttp.Reply r = patient.send("GET", uri, new Headers(), Body.empty())) {
                r.body().readAllBytes();
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try (UpstreamHttp.Reply r = patient.send("GET", uri, new Headers(), Body.empty())) {
                    failure.set(new AssertionError("answered with " + r.status()));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
            caller.interrupt(); // what Exchange.watchClient() does when the client hangs up
            caller.join(Duration.ofSeconds(5));
            assertThat(caller.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
            assertThat(upstreamSawClose.await(5, TimeUnit.SECONDS)).as("the upstream saw its connection closed").isTrue();
            assertThat(server.accepted()).as("not retried on a fresh connection").isEqualTo(1);
            patient.close();
        }
    }

    @Test
    void optionsFillDefaultsAndRefuseNonsense() {
        UpstreamHttp.Options o = UpstreamHttp.Options.defaults();
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.maxIdlePerOrigin()).isEqualTo(64);
        assertThatThrownBy(() -> new UpstreamHttp.Options(Duration.ZERO, null, null, null))
                .hasMessage("connectTimeout must be positive");
        assertThatThrownBy(() -> http.send("GET", URI.create("ftp://127.0.0.1/"), new Headers(), Body.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
