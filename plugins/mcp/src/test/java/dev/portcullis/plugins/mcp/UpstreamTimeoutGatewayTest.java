package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An upstream MCP server that takes the request and never answers, and one that refuses
 * connections: the client gets a JSON-RPC error within the backend's {@code requestTimeout} (the
 * upstream client's response timeout), and the gateway keeps serving.
 */
class UpstreamTimeoutGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static ServerSocket silent;
    static final List<Socket> held = new CopyOnWriteArrayList<>();
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // read nothing, answer nothing
                } catch (IOException closed) {
                    return;
                }
            }
        });
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: silent
                    match: { path: /silent }
                    backend: { type: mcp, requestTimeout: 300ms, servers: [ { name: quiet, url: "http://127.0.0.1:%d/mcp" } ] }
                  - name: refused
                    match: { path: /refused }
                    backend: { type: mcp, servers: [ { name: gone, url: "http://127.0.0.1:%d/mcp" } ] }
                """.formatted(silent.getLocalPort(), refused));
    }

    @AfterAll
    static void stop() throws IOException {
        gateway.close();
        silent.close();
        for (Socket s : held) {
            s.close();
        }
    }

    static HttpResponse<String> initialize(String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                         "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""")).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSilentUpstreamIsCutOffAtTheRequestTimeout() throws Exception {
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            HttpResponse<String> r = initialize("/silent");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.body()).contains("\"error\"").contains("no upstream MCP server could be initialized");
            // the upstream client's own response timeout, not the federation's fallback wait (timeout + 1 s)
            assertThat(millis).as("answered at the 300 ms timeout").isBetween(250L, 1_200L);
        }
    }

    @Test
    void aRefusingUpstreamFailsAtOnce() throws Exception {
        HttpResponse<String> r = initialize("/refused");
        assertThat(r.body()).contains("\"error\"").contains("no upstream MCP server could be initialized");
    }
}
