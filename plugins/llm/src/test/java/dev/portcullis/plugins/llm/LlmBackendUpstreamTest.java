package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Response;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The backend's provider connections, as the test kit's real upstream client makes them: kept
 * alive between calls, let go when the backend closes (its config retired), and non-streamed
 * answers read within {@code maxResponseBody}.
 */
class LlmBackendUpstreamTest {

    private static final byte[] ANSWER = MockProviders.OPENAI_TEXT.getBytes(StandardCharsets.UTF_8);

    @Test
    void callsShareOneKeptAliveProviderConnectionThatClosesWithTheBackend() throws Exception {
        try (KeepAliveProvider provider = new KeepAliveProvider(ok(ANSWER));
                TestPluginContext context = new TestPluginContext()) {
            Backend backend = new LlmBackendFactory().create(config(provider, null), context);
            for (int i = 0; i < 3; i++) {
                Response r = backend.handle(chat());
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().text(1 << 20)).contains("Hello! How can I assist you today?");
            }
            assertThat(provider.accepted.get()).as("one connection for three calls").isEqualTo(1);
            assertThat(provider.requests.get()).isEqualTo(3);

            backend.close();
            assertThat(provider.closedByGateway.await(5, TimeUnit.SECONDS)).as("the idle connection closed with the backend").isTrue();
        }
    }

    @Test
    void anAnswerOverMaxResponseBodyIsRefusedAndItsConnectionClosed() throws Exception {
        try (KeepAliveProvider provider = new KeepAliveProvider(ok(ANSWER));
                TestPluginContext context = new TestPluginContext();
                Backend backend = new LlmBackendFactory().create(config(provider, DataSize.ofBytes(ANSWER.length - 1)), context)) {
            Response r = backend.handle(chat());
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.body().text(1 << 20)).contains("provider p answered with more than " + (ANSWER.length - 1) + " bytes");
            assertThat(provider.closedByGateway.await(5, TimeUnit.SECONDS)).as("the half-read connection is not kept").isTrue();
        }
        try (KeepAliveProvider provider = new KeepAliveProvider(ok(ANSWER));
                TestPluginContext context = new TestPluginContext();
                Backend backend = new LlmBackendFactory().create(config(provider, DataSize.ofBytes(ANSWER.length)), context)) {
            assertThat(backend.handle(chat()).status()).as("exactly maxResponseBody is fine").isEqualTo(200);
        }
    }

    @Test
    void anAnswerBrokenOffIsABadGateway() throws Exception {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + ANSWER.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] half = java.util.Arrays.copyOf(head, head.length + 20);
        System.arraycopy(ANSWER, 0, half, head.length, 20);
        try (KeepAliveProvider provider = new KeepAliveProvider(half, true);
                TestPluginContext context = new TestPluginContext();
                Backend backend = new LlmBackendFactory().create(config(provider, null), context)) {
            Response r = backend.handle(chat());
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.body().text(1 << 20)).contains("provider p broke off its answer");
        }
    }

    private static LlmBackendConfig config(KeepAliveProvider provider, DataSize maxResponseBody) {
        // one attempt, so that what the test sees is the single answer's fate
        return new LlmBackendConfig(null, List.of(LlmBackendConfigTest.provider("p", "openai", provider.url() + "/v1",
                "sk-provider", Map.of("chat", "gpt-4o-mini"))), new LlmBackendConfig.RetryConfig(1, null, null), null, null,
                null, null, null, null, maxResponseBody);
    }

    private static TestExchange chat() {
        return TestExchange.of(TestRequest.post("/v1/chat/completions")
                .json("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").build());
    }

    private static byte[] ok(byte[] body) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Answers every request on a connection with the same bytes; notices when the gateway closes a connection. */
    static final class KeepAliveProvider implements AutoCloseable {
        final byte[] response;
        final boolean breakOff;
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch closedByGateway = new CountDownLatch(1);

        KeepAliveProvider(byte[] response) throws IOException {
            this(response, false);
        }

        KeepAliveProvider(byte[] response, boolean breakOff) throws IOException {
            this.response = response;
            this.breakOff = breakOff;
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
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

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head;
                    try {
                        head = ClientDisconnectTest.readHead(in);
                    } catch (IOException closed) {
                        closedByGateway.countDown();
                        return;
                    }
                    in.readNBytes(ClientDisconnectTest.contentLength(head));
                    requests.incrementAndGet();
                    out.write(response);
                    out.flush();
                    if (breakOff) {
                        return; // closes the connection in the middle of the answer
                    }
                }
            } catch (IOException e) {
                // the test is over
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
