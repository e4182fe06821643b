package dev.portcullis.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kernel as a reverse proxy, driven over real HTTP against a real upstream. */
class ProxyTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestUpstream upstream;
    static TestGateway gateway;
    static final CountDownLatch releaseSecondEvent = new CountDownLatch(1);

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start()
                .respond("/hello", 200, "application/json", "{\"hello\":\"world\"}")
                .handle("/echo", ex -> TestUpstream.send(ex, 200, "text/plain", "got " + ex.getRequestMethod()))
                .respond("/big", 200, "text/plain", "0123456789".repeat(20_000))
                .handle("/chunked", ex -> {
                    ex.sendResponseHeaders(200, 0); // no length: chunked on to the client
                    OutputStream out = ex.getResponseBody();
                    out.write("part one;".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    out.write("part two".getBytes(StandardCharsets.UTF_8));
                    out.close();
                })
                .handle("/short", ex -> {
                    // promises 100 bytes, sends 10, goes away
                    ex.sendResponseHeaders(200, 100);
                    ex.getResponseBody().write("0123456789".getBytes(StandardCharsets.UTF_8));
                    ex.getResponseBody().flush();
                    ex.getHttpContext().getServer(); // keep the exchange open; closing below cuts the body
                    throw new java.io.IOException("upstream gives up mid-body");
                })
                .handle("/events", ex -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    try {
                        releaseSecondEvent.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
                    out.close();
                });
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false }, limits: { maxHeaderSize: 4KiB, maxRequestBody: 1KiB } }
                routes:
                  - name: api
                    match: { pathPrefix: /api }
                    policies: [ { type: test-mark, name: a }, { type: test-mark, name: b } ]
                    backend: { type: http, stripPrefix: /api, targets: [ { url: "%s" } ] }
                  - name: sse
                    match: { path: /sse }
                    policies: [ { type: test-upper } ]
                    backend: { type: http, addPrefix: /events, stripPrefix: /sse, targets: [ { url: "%s" } ] }
                  - name: refused
                    match: { pathPrefix: /refused }
                    policies: [ { type: test-mark, name: outer }, { type: test-reject, status: 429, code: slow-down } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: shadowed
                    match: { pathPrefix: /shadowed }
                    policies: [ { type: test-reject, status: 429, code: slow-down, shadow: true } ]
                    backend: { type: http, stripPrefix: /shadowed, targets: [ { url: "%s" } ] }
                  - name: buggy
                    match: { pathPrefix: /buggy }
                    policies: [ { type: test-boom } ]
                    backend: { type: http, targets: [ { url: "%s" } ] }
                  - name: nowhere
                    match: { pathPrefix: /nowhere }
                    backend: { type: http, targets: [ { url: "http://127.0.0.1:1" } ], retry: { attempts: 0 } }
                """.formatted(upstream.url(), upstream.url(), upstream.url(), upstream.url(), upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void proxiesWithForwardingHeadersAndRequestId() throws Exception {
        HttpResponse<String> r = get("/api/hello?x=1", "X-Request-Id", "abc-123");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"hello\":\"world\"}");
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("abc-123");
        TestUpstream.Received got = upstream.last();
        assertThat(got.rawPath()).isEqualTo("/hello");
        assertThat(got.rawQuery()).isEqualTo("x=1");
        assertThat(got.header("X-Request-Id")).isEqualTo("abc-123");
        assertThat(got.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(got.header("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void insaneRequestIdIsReplaced() throws Exception {
        HttpResponse<String> r = get("/api/hello", "X-Request-Id", "has spaces and <tags>");
        assertThat(r.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{32}");
    }

    @Test
    void policiesRunInOrderAndResponsePhaseInReverse() throws Exception {
        HttpResponse<String> r = get("/api/hello");
        assertThat(upstream.last().headers().get("X-Marks")).containsExactly("a", "b");
        assertThat(r.headers().allValues("X-Marks")).containsExactly("b", "a");
    }

    @Test
    void aRejectingPolicyAnswersProblemJsonAndEarlierPoliciesStillSeeTheResponse() throws Exception {
        int before = upstream.received().size();
        HttpResponse<String> r = get("/refused/x");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("\"type\":\"urn:portcullis:problem:slow-down\"", "\"status\":429", "\"requestId\":");
        assertThat(r.headers().allValues("X-Marks")).containsExactly("outer");
        assertThat(upstream.received()).hasSize(before);
    }

    @Test
    void aPolicyInShadowModeIsCountedButDoesNotRefuse() throws Exception {
        HttpResponse<String> r = get("/shadowed/hello");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"hello\":\"world\"}");
        String metrics = CLIENT.send(HttpRequest.newBuilder(admin("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("portcullis_policy_shadow_refusals_total\\{code=\"slow-down\",policy=\"test-reject\",route=\"shadowed\"} [1-9]");
    }

    @Test
    void aThrowingPolicyGives500WithoutDetailsAndTheGatewayKeepsServing() throws Exception {
        HttpResponse<String> r = get("/buggy");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("internal-error").doesNotContain("secret detail").doesNotContain("Exception");
        assertThat(get("/api/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void largeBodiesStreamThroughWhole() throws Exception {
        HttpResponse<String> r = get("/api/big");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(200_000).startsWith("0123456789").endsWith("0123456789");
    }

    @Test
    void anUpstreamThatSendsLessThanItPromisedIsA502NotAShortBody() throws Exception {
        HttpResponse<String> r = get("/api/short");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("upstream");
        assertThat(get("/api/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void noRouteIs404ProblemJson() throws Exception {
        HttpResponse<String> r = get("/unknown/place");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("urn:portcullis:problem:no-route", "/unknown/place");
    }

    @Test
    void traversalAndEncodedSlashesAre400() throws Exception {
        for (String raw : new String[] {"/api/%2e%2e/admin", "/api/a%2Fb", "/api/a/../../etc/passwd", "/api/%252e"}) {
            String resp = rawRequest("GET " + raw + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(resp).as(raw).startsWith("HTTP/1.1 400");
            assertThat(resp).contains("invalid-path");
        }
    }

    @Test
    void oversizedHeadersAre431AndOversizedBodiesAre413AsProblemJson() throws Exception {
        String big = rawRequest("GET /api/hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(6000) + "\r\nConnection: close\r\n\r\n");
        assertThat(big).startsWith("HTTP/1.1 431").contains("application/problem+json").contains("headers are larger");
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(gateway.uri("/api/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(get("/api/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void unreachableUpstreamIs502NamingTheTarget() throws Exception {
        HttpResponse<String> r = get("/nowhere");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("127.0.0.1:1");
    }

    @Test
    void serverSentEventsAreStreamedThroughHooksNotBuffered() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            // The first event must arrive while the upstream still holds the second one back.
            while ((line = in.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.equals("data: ONE")) {
                    break;
                }
            }
            assertThat(seen.toString()).contains("text/event-stream").contains("data: ONE");
            releaseSecondEvent.countDown();
            StringBuilder rest = new StringBuilder();
            while ((line = in.readLine()) != null) {
                rest.append(line).append('\n');
                if (line.equals("data: [END]")) {
                    break;
                }
            }
            assertThat(rest.toString()).contains("data: TWO").contains("event: done");
        }
    }

    @Test
    void aChunkedResponseToAClientThatAskedToCloseEndsWithItsLastChunk() throws Exception {
        // the connection closes after the response, but only once the terminating chunk is out:
        // without it the client cannot tell a complete body from a cut one
        String all = untilClosed("GET /api/chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(all).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked")
                .containsIgnoringCase("connection: close").endsWith("\r\n0\r\n\r\n");
        StringBuilder body = new StringBuilder();
        int at = all.indexOf("\r\n\r\n") + 4;
        for (int size; (size = Integer.parseInt(all.substring(at, all.indexOf("\r\n", at)), 16)) > 0; ) {
            at = all.indexOf("\r\n", at) + 2;
            body.append(all, at, at + size);
            at += size + 2;
        }
        assertThat(body).hasToString("part one;part two");
    }

    @Test
    void aCloseOptionAmongOtherConnectionTokensClosesTheConnectionAfterTheResponse() throws Exception {
        // RFC 9112 §9.6: "close" is one option of the Connection list, wherever it stands in it
        String all = untilClosed("GET /api/hello HTTP/1.1\r\nHost: x\r\nX-Trace: 1\r\nConnection: X-Trace, close\r\n\r\n");
        assertThat(all).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
    }

    /** Everything the gateway sends for {@code request} until it closes the connection (a read timeout fails). */
    static String untilClosed(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static String rawRequest(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readResponse(s.getInputStream());
        }
    }

    /** Reads one response: the head, then Content-Length bytes (the server may keep the socket open). */
    static String readResponse(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int len = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
    }

    static URI admin(String path) {
        return gateway.adminUri(path);
    }
}
