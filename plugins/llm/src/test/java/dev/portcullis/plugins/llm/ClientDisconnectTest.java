package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.server.DisconnectWatchdog;
import dev.portcullis.kernel.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that hangs up while its provider is still thinking cancels the provider call, streamed
 * or not: the provider (a raw socket server that sees exactly when the gateway closes) is told
 * within a fraction of a second, not when it finally answers — also when the watchdog had gone to
 * sleep for want of calls to watch. And a client that stays is served as before, on the same
 * keep-alive connection.
 */
class ClientDisconnectTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static ThinkingProvider provider;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        provider = new ThinkingProvider();
        String p = provider.url();
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      timeout: 30s
                      retry: { attempts: 1 }
                      providers:
                        - { name: holding, type: openai, baseUrl: "%s/hold/v1", apiKey: k, models: { hold: m } }
                        - { name: half, type: openai, baseUrl: "%s/headers-then-hold/v1", apiKey: k, models: { half: m } }
                        - { name: ponder, type: anthropic, baseUrl: "%s/answer-after-400ms", apiKey: k, models: { ponder: m } }
                """.formatted(p, p, p));
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        provider.close();
    }

    @Test
    void aClientLeavingBeforeTheAnswerStartsClosesTheProviderConnection() throws Exception {
        assertLeavingCancels("hold", false);
    }

    @Test
    void aClientLeavingWhileTheAnswerBodyIsAwaitedClosesTheProviderConnection() throws Exception {
        assertLeavingCancels("half", false);
    }

    @Test
    void aStreamingClientLeavingBeforeTheFirstTokenClosesTheProviderConnection() throws Exception {
        assertLeavingCancels("hold", true);
    }

    @Test
    void aClientLeavingIsNoticedAfterTheWatchdogFellAsleep() throws Exception {
        HttpResponse<String> answered = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")) // the watchdog runs
                .POST(HttpRequest.BodyPublishers.ofString(body("ponder", false))).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!DisconnectWatchdog.asleep() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(DisconnectWatchdog.asleep()).as("the watchdog sleeps when nothing is watched").isTrue();
        assertLeavingCancels("hold", false);
    }

    @Test
    void aClientThatStaysIsAnsweredAndItsConnectionServesTheNextRequestsPipelinedOrNot() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            client.setSoTimeout(10_000);
            for (int i = 0; i < 2; i++) {
                send(client, "ponder", false);
                String answer = readResponse(client.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 200").contains("pondered");
            }
        }
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            // pipelined: the second request arrives while the first waits for its provider; the
            // watch must see a live client and leave the bytes of the second to the listener
            client.setSoTimeout(10_000);
            send(client, "ponder", false);
            Thread.sleep(100);
            send(client, "ponder", false);
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 200").contains("pondered");
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 200").contains("pondered");
        }
    }

    /** The gateway's count of requests whose client went away. */
    private static double clientsGone() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(gateway.adminUri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^portcullis_requests_client_gone_total(?:\\{[^}]*})? ([0-9.eE+]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static void assertLeavingCancels(String model, boolean stream) throws Exception {
        int before = provider.closedByGateway.get();
        double goneBefore = clientsGone();
        CountDownLatch received = provider.nextRequest();
        long left;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            send(client, model, stream);
            assertThat(received.await(5, TimeUnit.SECONDS)).as("the provider got the request").isTrue();
            Thread.sleep(300); // past the moment the watch is armed (100 ms): it must not fire on its own
            assertThat(provider.closedByGateway.get()).as("still waiting while the client waits").isEqualTo(before);
            left = System.nanoTime();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (provider.closedByGateway.get() == before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(provider.closedByGateway.get()).as("the gateway closed the provider connection").isEqualTo(before + 1);
        long millis = (provider.lastClose - left) / 1_000_000;
        System.out.printf("[disconnect] %s%s: provider connection closed %d ms after the client left%n", model,
                stream ? " (stream)" : "", millis);
        assertThat(millis).isLessThan(1000);

        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (clientsGone() == goneBefore && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(clientsGone()).as("counted as a client gone").isEqualTo(goneBefore + 1);

        // and the gateway goes on serving
        HttpResponse<String> next = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body("ponder", false))).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(next.statusCode()).isEqualTo(200);
    }

    private static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Think hard\"}]}";
    }

    private static void send(Socket client, String model, boolean stream) throws IOException {
        byte[] body = body(model, stream).getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** One response with a Content-Length body, read off a keep-alive connection. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        int length = contentLength(head);
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the head: " + head);
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new IllegalStateException("no Content-Length in " + head);
    }

    /**
     * A provider on a raw socket, so that the test sees the moment the gateway closes its
     * connection. By path: {@code /hold} never answers; {@code /headers-then-hold} sends a 200
     * head and then nothing; {@code /answer-after-400ms} answers an Anthropic message after 400 ms.
     */
    static final class ThinkingProvider implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger closedByGateway = new AtomicInteger();
        volatile long lastClose;
        private volatile CountDownLatch received = new CountDownLatch(1);

        ThinkingProvider() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        CountDownLatch nextRequest() {
            received = new CountDownLatch(1);
            return received;
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head;
                    try {
                        head = readHead(in);
                    } catch (IOException idleConnectionClosed) {
                        return; // a pooled connection the gateway let go: not a cancelled call
                    }
                    in.readNBytes(contentLength(head));
                    String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                    received.countDown();
                    if (path.startsWith("/answer-after-400ms")) {
                        Thread.sleep(400);
                        byte[] body = """
                                {"id":"msg_1","type":"message","role":"assistant","model":"m",
                                 "content":[{"type":"text","text":"pondered"}],"stop_reason":"end_turn",
                                 "usage":{"input_tokens":5,"output_tokens":1}}""".getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        continue;
                    }
                    if (path.startsWith("/headers-then-hold")) {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    holdUntilClosed(s, in);
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }

        /** Holds the call: the gateway sends nothing more while it waits, so the next event is its close. */
        private void holdUntilClosed(Socket s, InputStream in) {
            try {
                s.setSoTimeout(30_000);
                in.read();
            } catch (IOException reset) {
                // a reset is a close too
            }
            lastClose = System.nanoTime();
            closedByGateway.incrementAndGet();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
