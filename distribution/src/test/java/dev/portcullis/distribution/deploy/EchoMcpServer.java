package dev.portcullis.distribution.deploy;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
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
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real, stateful MCP server: the official Java SDK's Streamable HTTP server in Jetty on loopback,
 * with one {@code echo} tool. It issues its own {@code Mcp-Session-Id} and refuses requests naming a
 * session it does not know, so a gateway node can only continue a client's session if it found the
 * upstream session id that another node stored. Records the session id of every request it gets.
 */
final class EchoMcpServer implements AutoCloseable {

    /** What the server saw of one HTTP request. */
    record Seen(String method, String sessionId) {}

    private final Server jetty;
    private final McpSyncServer mcp;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    EchoMcpServer() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp").build();
        McpSchema.Tool echo = McpSchema.Tool.builder().name("echo").description("Echoes its text")
                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                .build();
        mcp = McpServer.sync(transport)
                .serverInfo("echo", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(new McpServerFeatures.SyncToolSpecification(echo, (exchange, request) ->
                        McpSchema.CallToolResult.builder().addTextContent("echo: " + request.arguments().get("text")).build()))
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        Filter recorder = (req, res, chain) -> {
            HttpServletRequest h = (HttpServletRequest) req;
            seen.add(new Seen(h.getMethod(), h.getHeader("Mcp-Session-Id")));
            chain.doFilter(req, res);
        };
        context.addFilter(new FilterHolder(recorder), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/mcp");
        jetty.setHandler(context);
        jetty.start();
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/mcp";
    }

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
