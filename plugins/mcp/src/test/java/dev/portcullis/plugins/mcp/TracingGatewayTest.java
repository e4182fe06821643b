package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.OtlpReceiver;
import dev.portcullis.kernel.testing.TestGateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MCP gate's spans reach a real OTLP/HTTP receiver: a client span per forwarded tool call with
 * the MCP and GenAI conventions, carrying the correlation id the official SDK client sent.
 */
class TracingGatewayTest {

    @Test
    void aToolCallIsTracedWithTheMcpConventions() throws Exception {
        try (OtlpReceiver collector = OtlpReceiver.start();
             SdkMcpServer crm = SdkMcpServer.start("crm", List.of(
                     SdkMcpServer.tool("read_customer", "Reads a customer record", (ex, args) -> "crm read " + args.get("text"))));
             TestGateway gateway = TestGateway.start("""
                     server:
                       accessLog: { enabled: false }
                       tracing: { otlpEndpoint: "%s", exportDelay: 50ms }
                     routes:
                       - name: tools
                         match: { path: /mcp }
                         backend: { type: mcp, servers: [ { name: crm, url: "%s" } ] }
                     """.formatted(collector.url(), crm.url()))) {
            HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                    .builder("http://127.0.0.1:" + gateway.port()).endpoint("/mcp")
                    .requestBuilder(HttpRequest.newBuilder().header("X-Correlation-Id", "agent-trace-2")).build();
            try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build()) {
                client.initialize();
                McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder()
                        .name("read_customer").arguments(Map.of("text", "42")).build());
                assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            }
            List<String> expected = List.of("tools/call read_customer", "mcp.method.name", "gen_ai.tool.name", "execute_tool",
                    "mcp.server.name", "portcullis.correlation_id", "agent-trace-2");
            assertThat(collector.awaitAll(expected)).contains(expected);
        }
    }
}
