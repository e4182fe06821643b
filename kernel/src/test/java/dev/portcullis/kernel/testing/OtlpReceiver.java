package dev.portcullis.kernel.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A real OTLP/HTTP traces endpoint on loopback for tests: it keeps every exported batch. Protobuf
 * carries names, attribute keys, string values and ids as raw bytes, so a test looks for them in
 * {@link #text()}.
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ByteArrayOutputStream exported = new ByteArrayOutputStream();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts a receiver answering {@code POST /v1/traces}. */
    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            OtlpReceiver r = new OtlpReceiver(server);
            server.createContext("/v1/traces", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                synchronized (r.exported) {
                    r.exported.writeBytes(body);
                }
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to configure as {@code server.tracing.otlpEndpoint}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** Everything exported so far, bytes as ISO-8859-1 characters. */
    public String text() {
        synchronized (exported) {
            return exported.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Waits up to 10 s until every one of {@code expected} was exported (spans come in batches; a
     * server span ends after its children, perhaps in a later batch) and returns the text.
     */
    public String awaitAll(List<String> expected) throws InterruptedException {
        String text = text();
        for (int i = 0; i < 200 && !expected.stream().allMatch(text::contains); i++) {
            Thread.sleep(50);
            text = text();
        }
        return text;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
