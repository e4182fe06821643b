package dev.portcullis.plugins.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The traffic policies inside the real gateway, over real HTTP, with YAML config binding. */
class TrafficGatewayTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final int LIMIT = 1024;

    static TestUpstream upstream;
    static TestGateway gateway;
    /** Per upload path: requests that reached the upstream, bodies it read to the end, bytes it read. */
    static final Map<String, AtomicInteger> uploadsArrived = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> uploadsCompleted = new ConcurrentHashMap<>();
    static final Map<String, AtomicLong> uploadBytesRead = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        upstream = TestUpstream.start()
                .handle("/cors", ex -> {
                    // a permissive upstream: the gateway's policy must replace this, not add to it
                    ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                    ex.getResponseHeaders().set("X-Trace", "t-1");
                    TestUpstream.send(ex, 200, "text/plain", "cors ok");
                })
                .respond("/denied", 200, "text/plain", "should not be served")
                .respond("/allowed", 200, "text/plain", "allowed ok")
                .respond("/headers", 200, "text/plain", "headers ok")
                .handle("/internal", ex -> {
                    ex.getResponseHeaders().set("X-Internal", "secret-topology");
                    TestUpstream.send(ex, 200, "text/plain", "internal ok");
                })
                .handleRaw("/limited", ex -> {
                    String path = ex.getRequestURI().getRawPath();
                    uploadsArrived.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                    try (InputStream in = ex.getRequestBody()) {
                        byte[] buf = new byte[8192];
                        long read = 0;
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            read += n;
                            uploadBytesRead.computeIfAbsent(path, k -> new AtomicLong()).addAndGet(n);
                        }
                        uploadsCompleted.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                        TestUpstream.send(ex, 200, "text/plain", "stored " + read);
                    } finally {
                        ex.close();
                    }
                });
        String url = upstream.url();
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: cors
                    match: { pathPrefix: /cors }
                    policies:
                      - type: cors
                        allowOrigins: [ "https://app.example.com", "https://*.partner.example" ]
                        allowMethods: [ GET, POST, PUT ]
                        allowHeaders: [ X-Token, Content-Type ]
                        exposeHeaders: [ X-Trace ]
                        maxAge: 10m
                    backend: { type: http, targets: [ { url: "%1$s" } ] }
                  - name: denied
                    match: { pathPrefix: /denied }
                    policies: [ { type: ip-filter, deny: [ 127.0.0.0/8 ] } ]
                    backend: { type: http, targets: [ { url: "%1$s" } ] }
                  - name: allowed
                    match: { pathPrefix: /allowed }
                    policies: [ { type: ip-filter, allow: [ 127.0.0.0/8, "::1" ], deny: [ 10.0.0.0/8 ] } ]
                    backend: { type: http, targets: [ { url: "%1$s" } ] }
                  - name: limited
                    match: { pathPrefix: /limited }
                    policies: [ { type: request-size-limit, maxBody: %2$d } ]
                    backend: { type: http, targets: [ { url: "%1$s" } ] }
                  - name: headers
                    match: { pathPrefix: /headers }
                    policies:
                      # request variables are %%{...}; ${...} stays the kernel's environment substitution
                      - type: request-headers
                        remove: [ X-Secret ]
                        set: { X-Origin-Info: "rid=%%{requestId} ip=%%{clientIp} route=%%{route}" }
                        add: { X-Tag: gateway }
                      - type: response-headers
                        set: { X-Served-By: "portcullis/%%{route}", X-Request-Echo: "%%{requestId}" }
                    backend: { type: http, targets: [ { url: "%1$s" } ] }
                  - name: internal
                    match: { pathPrefix: /internal }
                    policies: [ { type: response-headers, remove: [ X-Internal ], add: { Cache-Control: no-store } } ]
                    backend: { type: http, targets: [ { url: "%1$s" } ] }
                """.formatted(url, LIMIT));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static long count(Map<String, ? extends Number> counters, String path) {
        Number n = counters.get(path);
        return n == null ? 0 : n.longValue();
    }

    static HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10)).method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), headers);
    }

    static void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("\"type\":\"urn:portcullis:problem:" + code + "\"").contains("\"status\":" + status);
    }

    // --- CORS ---

    @Test
    void preflightFromAnAllowedOriginIsAnswered204ByTheGateway() throws Exception {
        int before = upstream.received().size();
        HttpResponse<String> r = send("OPTIONS", "/cors/items", HttpRequest.BodyPublishers.noBody(),
                "Origin", "https://shop.partner.example",
                "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "x-token, content-type");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://shop.partner.example");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, PUT");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue("X-Token, Content-Type");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(r.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(upstream.received()).hasSize(before); // the preflight never reached the upstream
    }

    @Test
    void anActualRequestGetsTheExactOriginAndVaryInsteadOfTheUpstreamWildcard() throws Exception {
        HttpResponse<String> r = get("/cors/items", "Origin", "https://app.example.com");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("cors ok");
        assertThat(r.headers().allValues("Access-Control-Allow-Origin")).containsExactly("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValue("X-Trace");
        assertThat(r.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(upstream.last().header("Origin")).isEqualTo("https://app.example.com");
    }

    @Test
    void anActualRequestFromAnUnknownOriginGetsNoCorsGrant() throws Exception {
        HttpResponse<String> r = get("/cors/items", "Origin", "https://evil.example");

        assertThat(r.statusCode()).isEqualTo(200); // the browser, not the gateway, withholds the body
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(r.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
    }

    @Test
    void preflightFromADisallowedOriginOrForADisallowedMethodIs403ProblemJson() throws Exception {
        HttpResponse<String> origin = send("OPTIONS", "/cors/items", HttpRequest.BodyPublishers.noBody(),
                "Origin", "https://evil.example", "Access-Control-Request-Method", "GET");
        assertProblem(origin, 403, "cors-rejected");
        assertThat(origin.body()).contains("origin 'https://evil.example' is not allowed");
        assertThat(origin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> method = send("OPTIONS", "/cors/items", HttpRequest.BodyPublishers.noBody(),
                "Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE");
        assertProblem(method, 403, "cors-rejected");
        assertThat(method.body()).contains("method 'DELETE' is not allowed");
    }

    // --- ip-filter (TestGateway listens on 127.0.0.1) ---

    @Test
    void aDeniedNetworkIs403ProblemJsonAndNeverReachesTheUpstream() throws Exception {
        HttpResponse<String> r = get("/denied/x");

        assertProblem(r, 403, "ip-denied");
        assertThat(r.body()).contains("client address 127.0.0.1 is denied");
        assertThat(upstream.received()).noneMatch(req -> req.rawPath().startsWith("/denied"));
    }

    @Test
    void anAllowedNetworkPasses() throws Exception {
        HttpResponse<String> r = get("/allowed/x");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("allowed ok");
    }

    // --- request-size-limit ---

    @Test
    void aDeclaredLengthOverTheLimitIs413WithoutCallingTheUpstream() throws Exception {
        HttpResponse<String> r = send("POST", "/limited/declared",
                HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT + 1]), "Content-Type", "application/octet-stream");

        assertProblem(r, 413, "body-too-large");
        assertThat(r.body()).contains("request body of " + (LIMIT + 1) + " bytes exceeds the limit of " + LIMIT + " bytes");
        assertThat(count(uploadsArrived, "/limited/declared")).isZero();
    }

    @Test
    void aBodyWithinTheLimitIsForwardedWhole() throws Exception {
        HttpResponse<String> r = send("POST", "/limited/whole", HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT]));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("stored " + LIMIT);
    }

    @Test
    void aChunkedUploadOverTheLimitIs413AndTheConnectionIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            Thread upload = Thread.ofVirtual().start(() -> writeChunked(s, "/limited/chunked-over", 64, 512));
            RawResponse r = readResponse(s.getInputStream());
            upload.join(10_000);

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.headers().get("content-type")).isEqualTo("application/problem+json");
            assertThat(r.body()).contains("urn:portcullis:problem:body-too-large")
                    .contains("request body exceeds the limit of " + LIMIT + " bytes");
            // what went upstream was cut off at the limit: never a complete body, never more than the limit
            assertThat(count(uploadsCompleted, "/limited/chunked-over")).isZero();
            assertThat(count(uploadBytesRead, "/limited/chunked-over")).isLessThanOrEqualTo(LIMIT);

            // the rest of the upload was not read: the gateway says it will close the connection,
            // so the client can never send its next request into the tail of this one
            assertThat(r.headers().get("connection")).isEqualToIgnoringCase("close");
        }
        // and it keeps serving on a new connection
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /allowed/next HTTP/1.1\r\nHost: gw.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawResponse next = readResponse(s.getInputStream());
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("allowed ok");
        }
    }

    @Test
    void aChunkedUploadWithinTheLimitStreamsThrough() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            writeChunked(s, "/limited/chunked-within", 4, 256);
            RawResponse r = readResponse(s.getInputStream());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("stored " + LIMIT);
        }
    }

    // --- request-headers / response-headers ---

    @Test
    void requestHeaderTemplatesReachTheUpstreamAndResponseTemplatesTheClient() throws Exception {
        HttpResponse<String> r = get("/headers/x", "X-Request-Id", "trace-123", "X-Secret", "s3cr3t", "X-Tag", "client");

        assertThat(r.statusCode()).isEqualTo(200);
        TestUpstream.Received seen = upstream.last();
        assertThat(seen.rawPath()).isEqualTo("/headers/x");
        assertThat(seen.header("X-Origin-Info")).isEqualTo("rid=trace-123 ip=127.0.0.1 route=headers");
        assertThat(seen.header("X-Secret")).isNull();
        assertThat(seen.headers().get("X-Tag")).containsExactly("client", "gateway");
        assertThat(r.headers().firstValue("X-Served-By")).hasValue("portcullis/headers");
        assertThat(r.headers().firstValue("X-Request-Echo")).hasValue("trace-123");
    }

    @Test
    void responseHeadersCanHideUpstreamHeadersAndAddOwnOnes() throws Exception {
        HttpResponse<String> r = get("/internal/x");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("internal ok");
        assertThat(r.headers().firstValue("X-Internal")).isEmpty();
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    // --- raw HTTP for chunked uploads ---

    record RawResponse(int status, Map<String, String> headers, String body) {}

    /**
     * Writes a chunked POST of {@code chunks} chunks of {@code size} bytes. The gateway may answer
     * and stop reading before the upload ends, so a failing write only ends the upload.
     */
    static void writeChunked(Socket s, String path, int chunks, int size) {
        byte[] chunk = new byte[size];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < chunks; i++) {
                out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException gatewayStoppedReading) {
            // the gateway refused the body; its answer is read by the caller
        }
    }

    static RawResponse readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while (!(h = line(in)).isEmpty()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int n;
            while ((n = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0) {
                all.write(in.readNBytes(n));
                line(in);
            }
            line(in);
            body = all.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        if (c < 0 && sb.isEmpty()) {
            throw new IOException("connection closed before a complete response");
        }
        return sb.toString();
    }
}
