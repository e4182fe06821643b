package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stdio MCP server ({@link StdioTestServer}, the official SDK's stdio transport in a child JVM)
 * launched by the gateway and used through Streamable HTTP by the SDK client: listing and calls
 * from several sessions at once over one process, progress relayed, and a crash followed by a
 * restart that the same session survives.
 */
class StdioGatewayTest {

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("java.class.path");
        String main = StdioTestServer.class.getName();
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: local
                    match: { path: /mcp }
                    backend:
                      type: mcp
                      requestTimeout: 20s
                      servers:
                        - name: local
                          command: "%s"
                          args: ["-cp", "%s", "%s"]
                          env: { STDIO_TEST: "1" }
                          maxConcurrentRequests: 4
                  - name: narrow
                    match: { path: /narrow }
                    backend:
                      type: mcp
                      requestTimeout: 20s
                      servers: [ { name: narrow, command: "%s", args: ["-cp", "%s", "%s"], maxConcurrentRequests: 2 } ]
                  - name: wide
                    match: { path: /wide }
                    backend:
                      type: mcp
                      requestTimeout: 20s
                      servers: [ { name: wide, command: "%s", args: ["-cp", "%s", "%s"], maxConcurrentRequests: 8 } ]
                """.formatted(java, cp, main, java, cp, main, java, cp, main));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aStdioServerIsUsedLikeAnHttpOneAndRestartedAfterACrash() throws Exception {
        try (McpSyncClient client = client(new CopyOnWriteArrayList<>())) {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("echo", "pid", "crash", "slow", "hold");
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi"))))).isEqualTo("echo hi");
            String pid = text(client.callTool(new McpSchema.CallToolRequest("pid", Map.of())));

            // several sessions at once over one process: their ids are the gateway's to keep apart
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    answers.add(pool.submit(() -> {
                        try (McpSyncClient other = client(new CopyOnWriteArrayList<>())) {
                            other.initialize();
                            return text(other.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "n" + n))));
                        }
                    }));
                }
                for (int i = 0; i < 8; i++) {
                    assertThat(answers.get(i).get()).isEqualTo("echo n" + i);
                }
            } finally {
                pool.shutdownNow();
            }

            // the process dies during a call: the call fails cleanly, the process comes back, the session goes on
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("crash", Map.of())))
                    .isInstanceOf(McpError.class).hasMessageContaining("exited");
            String after = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (after == null && System.nanoTime() < deadline) {
                try {
                    after = text(client.callTool(new McpSchema.CallToolRequest("pid", Map.of())));
                } catch (McpError e) {
                    Thread.sleep(200); // restarting
                }
            }
            assertThat(after).isNotNull().isNotEqualTo(pid);
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "again"))))).isEqualTo("echo again");
        }
    }

    @Test
    void progressOfAStdioToolReachesTheClientWithItsOwnToken() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client(progress)) {
            client.initialize();
            McpSchema.CallToolResult r = client.callTool(McpSchema.CallToolRequest.builder()
                    .name("slow").arguments(Map.of()).progressToken("mine-1").build());
            assertThat(text(r)).isEqualTo("slow done");
            assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0);
            assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("mine-1"));
        }
    }

    @Test
    void requestsInFlightToTheProcessAreBounded() throws Exception {
        // the same server, eight calls at once: at most 2 reach the process behind /narrow, more behind /wide
        assertThat(mostAtOnce("/narrow")).isBetween(1, 2);
        assertThat(mostAtOnce("/wide")).isGreaterThan(2);
    }

    /** Eight concurrent sessions each call hold; the most calls the process saw running at once. */
    static int mostAtOnce(String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<McpSyncClient> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                McpSyncClient c = client(path, new CopyOnWriteArrayList<>());
                c.initialize();
                clients.add(c);
            }
            List<Future<String>> answers = new ArrayList<>();
            for (McpSyncClient c : clients) {
                answers.add(pool.submit(() -> text(c.callTool(new McpSchema.CallToolRequest("hold", Map.of())))));
            }
            int most = 0;
            for (Future<String> f : answers) {
                most = Math.max(most, Integer.parseInt(f.get()));
            }
            clients.forEach(McpSyncClient::close);
            return most;
        } finally {
            pool.shutdownNow();
        }
    }

    static McpSyncClient client(List<McpSchema.ProgressNotification> progress) {
        return client("/mcp", progress);
    }

    static McpSyncClient client(String path, List<McpSchema.ProgressNotification> progress) {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + gateway.port()).endpoint(path).build())
                .requestTimeout(Duration.ofSeconds(20)).progressConsumer(progress::add).build();
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }
}
