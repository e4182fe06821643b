package dev.portcullis.plugins.mcp;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapperSupplier;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * A real MCP server on stdio for tests, made with the official Java SDK and launched by the gateway
 * as a child process (with the test JVM's own {@code java}). Tools: {@code echo}, {@code pid} (this
 * process's id, to see restarts), {@code crash} (exits at once), {@code slow} (reports progress) and
 * {@code hold} (takes 300 ms and answers the most calls of it that ran at once).
 */
public final class StdioTestServer {

    /** Calls of {@code hold} running now, and the most at once so far (what {@code hold} answers). */
    private static final java.util.concurrent.atomic.AtomicInteger RUNNING = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger MOST = new java.util.concurrent.atomic.AtomicInteger();

    private StdioTestServer() {}

    public static void main(String[] args) throws Exception {
        McpServer.sync(new StdioServerTransportProvider(new JacksonMcpJsonMapperSupplier().get()))
                .serverInfo("stdio-test", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("echo", (ex, a) -> "echo " + a.get("text")),
                        tool("pid", (ex, a) -> Long.toString(ProcessHandle.current().pid())),
                        tool("crash", (ex, a) -> {
                            Runtime.getRuntime().halt(3);
                            return "unreachable";
                        }),
                        tool("slow", (ex, a) -> "slow done"),
                        tool("hold", (ex, a) -> {
                            int now = RUNNING.incrementAndGet();
                            MOST.accumulateAndGet(now, Math::max);
                            sleep(300);
                            RUNNING.decrementAndGet();
                            return Integer.toString(MOST.get());
                        }))
                .build();
        Thread.currentThread().join(); // the transport's threads serve until stdin closes
    }

    private static McpServerFeatures.SyncToolSpecification tool(String name,
            java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange, Map<String, Object>, String> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description("stdio test tool " + name)
                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")))).build();
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) -> {
            if (name.equals("slow")) {
                Object token = request.meta() == null ? null : request.meta().get("progressToken");
                for (int i = 1; i <= 3; i++) {
                    if (token != null) {
                        exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) i, 3.0, "step " + i));
                    }
                    sleep(100);
                }
                return McpSchema.CallToolResult.builder().addTextContent("slow done").build();
            }
            return McpSchema.CallToolResult.builder().addTextContent(handler.apply(exchange, request.arguments())).build();
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
