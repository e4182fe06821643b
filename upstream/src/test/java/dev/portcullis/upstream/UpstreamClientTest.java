package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamClientTest {

    private final UpstreamClient client = new UpstreamClient(new UpstreamOptions(
            Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(2), 8, Duration.ofSeconds(30), 4096, null));

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static UpstreamRequest get(RawServer server, String target) {
        return new UpstreamRequest("GET", server.origin(), target, new Headers(), Body.empty());
    }

    private static String readAll(UpstreamResponse r) throws IOException {
        try (r) {
            return new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        try (RawServer server = RawServer.http(req -> RawServer.ok("hello " + req.target()))) {
            for (int i = 0; i < 5; i++) {
                UpstreamResponse r = client.send(get(server, "/n/" + i));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.contentLength()).isEqualTo(("hello /n/" + i).length());
                assertThat(readAll(r)).isEqualTo("hello /n/" + i);
            }
            assertThat(server.accepted()).isEqualTo(1);
            assertThat(client.idleConnections(server.origin())).isEqualTo(1);
            assertThat(server.requests.get(0).headers()).containsEntry("host", "127.0.0.1:" + server.port());
        }
    }

    @Test
    void chunkedResponseWithTrailersIsDecodedAndConnectionReused() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
        try (RawServer server = RawServer.http(req -> chunked)) {
            UpstreamResponse r = client.send(get(server, "/"));
            assertThat(r.contentLength()).isEqualTo(-1);
            assertThat(r.headers().contains("Transfer-Encoding")).isFalse();
            assertThat(readAll(r)).isEqualTo("hello, world");
            assertThat(readAll(client.send(get(server, "/")))).isEqualTo("hello, world");
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aReaderThatStopsAtTheLastDataChunkStillHandsTheConnectionBack() throws Exception {
        // like an event stream the server ends after one event: the reader takes the event and closes
        String event = "data: {\"id\":1}\n\n";
        String chunked = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n0\r\n\r\n";
        try (RawServer server = RawServer.http(req -> chunked)) {
            for (int i = 0; i < 3; i++) {
                UpstreamResponse r = client.send(get(server, "/"));
                assertThat(new String(r.body().readNBytes(event.length()), StandardCharsets.UTF_8)).isEqualTo(event);
                r.close();
            }
            assertThat(server.accepted()).isEqualTo(1);
        }
        // the last chunk not yet there when the reader stops: that connection is closed, not reused
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(event.length()) + "\r\n" + event).getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(300);
            s.getOutputStream().write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            UpstreamResponse r = client.send(get(server, "/"));
            assertThat(new String(r.body().readNBytes(event.length()), StandardCharsets.UTF_8)).isEqualTo(event);
            r.close();
            client.send(get(server, "/")).close();
            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Test
    void bodyDelimitedByCloseIsReadToTheEndAndNotPooled() throws Exception {
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\n\r\nuntil the end".getBytes(StandardCharsets.US_ASCII));
        })) {
            UpstreamResponse r = client.send(get(server, "/"));
            assertThat(r.contentLength()).isEqualTo(-1);
            assertThat(readAll(r)).isEqualTo("until the end");
            assertThat(client.idleConnections(server.origin())).isZero();
        }
    }

    @Test
    void headAnd204HaveNoBodyAndKeepTheConnection() throws Exception {
        try (RawServer server = RawServer.http(req -> req.method().equals("HEAD")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
                : "HTTP/1.1 204 No Content\r\n\r\n")) {
            UpstreamResponse head = client.send(new UpstreamRequest("HEAD", server.origin(), "/", null, null));
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.contentLength()).isZero();
            assertThat(head.headers().get("Content-Length")).isEqualTo("1234");
            assertThat(head.body().read()).isEqualTo(-1);
            UpstreamResponse noContent = client.send(get(server, "/"));
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.body().read()).isEqualTo(-1);
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void interimResponsesAreSkipped() throws Exception {
        try (RawServer server = RawServer.http(req ->
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + RawServer.ok("final"))) {
            UpstreamResponse r = client.send(get(server, "/"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(readAll(r)).isEqualTo("final");
        }
    }

    @Test
    void firstBytesReachTheReaderWhileTheUpstreamHoldsTheRest() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("d\r\ndata: first\n\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (firstSeen.await(5, TimeUnit.SECONDS)) {
                out.write("e\r\ndata: second\n\n\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        })) {
            UpstreamResponse r = client.send(get(server, "/events"));
            byte[] buf = new byte[1024];
            int n = r.body().read(buf);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("data: first\n\n");
            firstSeen.countDown();
            assertThat(readAll(r)).isEqualTo("data: second\n\n");
        }
    }

    @Test
    void slowUpstreamTimesOutWaitingForTheHead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            release.await(5, TimeUnit.SECONDS);
        })) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.send(get(server, "/")))
                    .isInstanceOf(UpstreamResponseTimeoutException.class)
                    .hasMessage("no response within 300ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            release.countDown();
        }
    }

    @Test
    void refusedPortIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Origin closed = new Origin("http", "127.0.0.1", port);
        assertThatThrownBy(() -> client.send(new UpstreamRequest("GET", closed, "/", null, null)))
                .isInstanceOf(UpstreamConnectException.class)
                .hasMessage("connection refused")
                .satisfies(e -> assertThat(((UpstreamException) e).origin()).isEqualTo(closed));
    }

    @Test
    void resetInTheMiddleOfTheBodyFailsTheReader() throws Exception {
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b".getBytes(StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0); // close with RST
        })) {
            UpstreamResponse r = client.send(get(server, "/"));
            InputStream body = r.body();
            assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
            r.close();
            assertThat(client.idleConnections(server.origin())).isZero();
        }
    }

    @Test
    void closingBeforeTheEndClosesTheUpstreamSocket() throws Exception {
        CountDownLatch sawEof = new CountDownLatch(1);
        try (RawServer server = RawServer.start(s -> {
            InputStream in = s.getInputStream();
            RawServer.readRequest(in);
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nfirst".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            if (in.read() == -1) {
                sawEof.countDown();
            }
        })) {
            UpstreamResponse r = client.send(get(server, "/"));
            assertThat(r.body().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("first");
            r.close();
            assertThat(sawEof.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(client.idleConnections(server.origin())).isZero();
        }
    }

    @Test
    void pooledConnectionClosedByTheUpstreamIsReplacedOnce() throws Exception {
        // answers one request per connection and then closes without saying so
        try (RawServer server = RawServer.start(s -> {
            RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write(RawServer.ok("once").getBytes(StandardCharsets.US_ASCII));
        })) {
            assertThat(readAll(client.send(get(server, "/")))).isEqualTo("once");
            Thread.sleep(50); // let the FIN arrive
            assertThat(readAll(client.send(get(server, "/")))).isEqualTo("once");
            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Test
    void aTimeoutAnswerTheUpstreamSentWhileTheConnectionIdledIsNotTakenForTheNextResponse() throws Exception {
        // like servers with an idle timeout: a 408 on the idle connection, then FIN
        try (RawServer server = RawServer.start(s -> {
            RawServer.Req req = RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write(RawServer.ok("got " + req.target()).getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
            s.getOutputStream().write(("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
        })) {
            assertThat(readAll(client.send(get(server, "/first")))).isEqualTo("got /first");
            Thread.sleep(1_100);
            UpstreamResponse second = client.send(get(server, "/second"));
            assertThat(second.status()).isEqualTo(200);
            assertThat(readAll(second)).isEqualTo("got /second");
            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Test
    void aStreamedBodyIsNotSentIntoAConnectionTheUpstreamClosedWhileItIdled() throws Exception {
        // a streamed body cannot be sent twice: after a second of idleness the pooled connection
        // is probed first, and the dead one is never used
        try (RawServer server = RawServer.start(s -> {
            RawServer.Req req = RawServer.readRequest(s.getInputStream());
            s.getOutputStream().write(RawServer.ok("got " + req.bodyText()).getBytes(StandardCharsets.US_ASCII));
        })) {
            assertThat(readAll(client.send(new UpstreamRequest("POST", server.origin(), "/", null, Body.of("first")))))
                    .isEqualTo("got first");
            Thread.sleep(1_100);
            Body streamed = Body.of(new ByteArrayInputStream("second".getBytes(StandardCharsets.US_ASCII)), 6);
            assertThat(readAll(client.send(new UpstreamRequest("POST", server.origin(), "/", null, streamed))))
                    .isEqualTo("got second");
            assertThat(server.accepted()).isEqualTo(2);
        }
    }

    @Test
    void streamedRequestBodiesAreFramedByLengthOrChunks() throws Exception {
        try (RawServer server = RawServer.http(req -> RawServer.ok(req.headers().getOrDefault("transfer-encoding", "")
                + "|" + req.headers().getOrDefault("content-length", "") + "|" + req.bodyText()))) {
            byte[] big = "x".repeat(40_000).getBytes(StandardCharsets.US_ASCII);
            Body chunked = Body.of(new ByteArrayInputStream(big), -1);
            UpstreamResponse r1 = client.send(new UpstreamRequest("POST", server.origin(), "/", Headers.of("Content-Length", "999"), chunked));
            assertThat(readAll(r1)).isEqualTo("chunked||" + "x".repeat(40_000));

            Body sized = Body.of(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)), 3);
            assertThat(readAll(client.send(new UpstreamRequest("PUT", server.origin(), "/", null, sized)))).isEqualTo("|3|abc");
            assertThat(readAll(client.send(new UpstreamRequest("POST", server.origin(), "/", null, Body.of("buffered")))))
                    .isEqualTo("|8|buffered");
            assertThat(readAll(client.send(new UpstreamRequest("POST", server.origin(), "/", null, Body.empty()))))
                    .isEqualTo("|0|");
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void gatewayExceptionFromTheRequestBodyPropagatesUnchanged() throws Exception {
        GatewayException tooLarge = new GatewayException(Failure.of(413, "body-too-large", "Body too large", "over 10 bytes"));
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw tooLarge;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw tooLarge;
            }
        };
        try (RawServer server = RawServer.http(req -> RawServer.ok("unused"))) {
            assertThatThrownBy(() -> client.send(new UpstreamRequest("POST", server.origin(), "/", null, Body.of(failing, -1))))
                    .isSameAs(tooLarge);
            assertThat(client.idleConnections(server.origin())).isZero();
        }
    }

    @Test
    void oversizedHeaderSectionIsAProtocolError() throws Exception {
        try (RawServer server = RawServer.http(req -> "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(5000) + "\r\nContent-Length: 0\r\n\r\n")) {
            assertThatThrownBy(() -> client.send(get(server, "/")))
                    .isInstanceOf(UpstreamProtocolException.class)
                    .hasMessageContaining("longer than");
        }
    }

    @Test
    void hopByHopResponseHeadersAreDropped() throws Exception {
        try (RawServer server = RawServer.http(req -> "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                + "Keep-Alive: timeout=5\r\nX-End: 2\r\nContent-Length: 0\r\n\r\n")) {
            UpstreamResponse r = client.send(get(server, "/"));
            assertThat(r.headers().names()).containsExactly("x-end", "content-length");
        }
    }

    @Test
    void headerInjectionIsNeutralised() throws Exception {
        try (RawServer server = RawServer.http(req -> RawServer.ok(String.valueOf(req.headers().get("x-evil")) + "|" + req.headers().containsKey("injected")))) {
            Headers h = Headers.of("X-Evil", "a\r\nInjected: yes");
            assertThat(readAll(client.send(new UpstreamRequest("GET", server.origin(), "/", h, null)))).isEqualTo("a  Injected: yes|false");
        }
    }
}
