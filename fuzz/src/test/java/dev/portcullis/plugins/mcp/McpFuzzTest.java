package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigMapper;
import dev.portcullis.kernel.store.LocalStateStore;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Response;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The mcp backend's JSON-RPC front on arbitrary client bodies (single messages, batches, with or
 * without a session id): every 4xx is a JSON-RPC error object, nothing is a 500, nothing
 * throws. The configured MCP server does not listen, so only the gateway's own parsing and
 * checks are exercised.
 */
class McpFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static TestPluginContext context;
    static Backend backend;

    @BeforeAll
    static void start() throws IOException {
        McpBackendFactory factory = new McpBackendFactory();
        ObjectNode node = (ObjectNode) ConfigMapper.yaml().readTree("""
                maxBatchSize: 8
                servers:
                  - { name: crm, url: "http://127.0.0.1:1/mcp" }
                """);
        context = new TestPluginContext().withStore("default", new LocalStateStore(10_000));
        backend = factory.create(new ConfigBinder().bindPlugin(node, factory.configType(), "backend"), context);
    }

    @AfterAll
    static void stop() {
        backend.close();
        context.close();
    }

    @FuzzTest(maxDuration = "20s")
    void jsonRpcMessagesAreAnsweredWithJsonRpc(FuzzedDataProvider data) throws Exception {
        String session = data.consumeBoolean() ? data.consumeString(40) : null;
        byte[] body = data.consumeRemainingAsBytes();
        TestRequest.Builder request = TestRequest.post("/mcp").header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").body(Body.of(body));
        if (session != null && !session.isEmpty() && session.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            request.header("Mcp-Session-Id", session);
        }
        Response r;
        try {
            r = backend.handle(request.exchange());
        } catch (GatewayException e) {
            assertThat(e.failure().status()).isNotEqualTo(500);
            return;
        }
        assertThat(r.status()).isBetween(200, 599).isNotEqualTo(500);
        if (r.status() >= 400 && r.body().events() == null) {
            JsonNode error = JSON.readTree(r.body().bytes(1 << 20));
            assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(error.path("error").path("code").isInt()).as(error.toString()).isTrue();
        }
        r.body().discard();
    }
}
