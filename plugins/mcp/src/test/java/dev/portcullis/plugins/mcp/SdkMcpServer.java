package dev.portcullis.plugins.mcp;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server for tests: the official Java SDK's Streamable HTTP server in Jetty on a
 * loopback ephemeral port, recording the method and headers of every request it receives.
 */
final class SdkMcpServer implements AutoCloseable {

    /** What the server saw of one HTTP request. */
    record Seen(String method, String authorization, String sessionId, String protocolVersion, String origin, String correlationId) {}

    private final Server jetty;
    private final McpSyncServer mcp;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private SdkMcpServer(String name, List<McpServerFeatures.SyncToolSpecification> tools) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        mcp = McpServer.sync(transport)
                .serverInfo(name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                .tools(tools)
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        Filter recorder = (req, res, chain) -> {
            HttpServletRequest h = (HttpServletRequest) req;
            seen.add(new Seen(h.getMethod(), h.getHeader("Authorization"), h.getHeader("Mcp-Session-Id"),
                    h.getHeader("MCP-Protocol-Version"), h.getHeader("Origin"), h.getHeader("X-Correlation-Id")));
            chain.doFilter(req, res);
        };
        context.addFilter(new FilterHolder(recorder), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/mcp");
        jetty.setHandler(context);
        jetty.start();
    }

    /** Starts a server named {@code name} offering {@code tools}. */
    static SdkMcpServer start(String name, List<McpServerFeatures.SyncToolSpecification> tools) {
        try {
            return new SdkMcpServer(name, tools);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the MCP test server", e);
        }
    }

    /** A tool answering with one text produced by {@code handler}. */
    static McpServerFeatures.SyncToolSpecification tool(String name, String description,
            BiFunction<McpSyncServerExchange, Map<String, Object>, String> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description)
                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                .build();
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) ->
                McpSchema.CallToolResult.builder().addTextContent(handler.apply(exchange, request.arguments())).build());
    }

    /**
     * A tool that reports progress {@code steps} times, {@code gapMillis} apart, before answering:
     * its progress must reach the client while it still runs.
     */
    static McpServerFeatures.SyncToolSpecification slowTool(String name, int steps, long gapMillis) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description("counts slowly, reporting progress")
                .inputSchema(Map.of("type", "object")).build();
        return new McpServerFeatures.SyncToolSpecification(tool, (exchange, request) -> {
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            for (int i = 1; i <= steps; i++) {
                if (token != null) {
                    exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) i, (double) steps, "step " + i));
                }
                try {
                    Thread.sleep(gapMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return McpSchema.CallToolResult.builder().addTextContent("counted to " + steps).build();
        });
    }

    /** Replaces a tool's definition while the server runs (a rug pull, for pinning tests). */
    void replaceTool(McpServerFeatures.SyncToolSpecification tool) {
        mcp.removeTool(tool.tool().name());
        mcp.addTool(tool);
    }

    /** The endpoint URL. */
    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/mcp";
    }

    /** Requests seen so far. */
    List<Seen> seen() {
        return new ArrayList<>(seen);
    }

    @Override
    public void close() {
        try {
            mcp.close();
        } catch (RuntimeException ignored) {
            // stopping anyway
        }
        try {
            jetty.stop();
        } catch (Exception ignored) {
            // test teardown
        }
    }
}
