package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Backend;
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
 * alive between calls, and let go when the backend closes (its config retired).
 */
class LlmBackendUpstreamTest {

    @Test
    void callsShareOneKeptAliveProviderConnectionThatClosesWithTheBackend() throws Exception {
        try (KeepAliveProvider provider = new KeepAliveProvider();
                TestPluginContext context = new TestPluginContext()) {
            LlmBackendConfig config = new LlmBackendConfig(null, List.of(LlmBackendConfigTest.provider("p", "openai",
                    provider.url() + "/v1", "sk-provider", Map.of("chat", "gpt-4o-mini"))), null, null, null, null, null, null, null, null);
            Backend backend = new LlmBackendFactory().create(config, context);
            for (int i = 0; i < 3; i++) {
                TestExchange exchange = TestExchange.of(TestRequest.post("/v1/chat/completions")
                        .json("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").build());
                Response r = backend.handle(exchange);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().text(1 << 20)).contains("Hello! How can I assist you today?");
            }
            assertThat(provider.accepted.get()).as("one connection for three calls").isEqualTo(1);
            assertThat(provider.requests.get()).isEqualTo(3);

            backend.close();
            assertThat(provider.closedByGateway.await(5, TimeUnit.SECONDS)).as("the idle connection closed with the backend").isTrue();
        }
    }

    /** Answers every request on a connection with an OpenAI chat completion; notices when the gateway closes it. */
    static final class KeepAliveProvider implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch closedByGateway = new CountDownLatch(1);

        KeepAliveProvider() throws IOException {
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
                    byte[] body = MockProviders.OPENAI_TEXT.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
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
