package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows one call's result to the attached {@link ResultInspector}s before it reaches the client;
 * a denial replaces the result with a JSON-RPC error naming the rule (fail closed: an inspector
 * that throws denies). Other messages of the answer (progress) pass untouched.
 */
final class ResultScreen {

    private static final Logger LOG = LoggerFactory.getLogger(ResultScreen.class);

    private final Exchange exchange;
    private final McpCall call;
    private final List<ResultInspector> inspectors;
    private final JsonNode id;

    ResultScreen(Exchange exchange, McpCall call, List<ResultInspector> inspectors, JsonNode id) {
        this.exchange = exchange;
        this.call = call;
        this.inspectors = inspectors;
        this.id = id;
    }

    /** One event's data: screened when it is this call's response, else unchanged. */
    String screenData(String data) {
        if (data.indexOf("\"result\"") < 0) {
            return data; // notifications and errors pass unparsed
        }
        try {
            JsonNode m = JsonRpc.MAPPER.readTree(data);
            JsonNode out = m == null ? null : screen(m);
            return out == null || out == m ? data : out.toString();
        } catch (IOException e) {
            return data;
        }
    }

    /** {@code response}, or the error that replaces it. */
    JsonNode screen(JsonNode response) {
        if (response == null || JsonRpc.kind(response) != JsonRpc.Kind.RESPONSE || !response.get("id").equals(id)
                || !response.has("result")) {
            return response;
        }
        for (ResultInspector i : inspectors) {
            McpDecision d;
            try {
                d = i.inspect(exchange, call, response.get("result"));
            } catch (RuntimeException e) {
                LOG.warn("MCP result inspector {} failed; refusing the result of {}", i.getClass().getName(), call.name(), e);
                d = McpDecision.deny("inspector-error", "the result check failed; the result is withheld");
            }
            if (d != null && !d.allowed()) {
                ObjectNode err = JsonRpc.error(id, JsonRpc.DENIED, "denied by rule '" + d.rule() + "': " + d.reason());
                ObjectNode data = JsonRpc.errorData(err);
                data.put("rule", d.rule());
                data.put("reason", d.reason());
                data.put("server", call.server());
                data.put("name", call.name());
                return err;
            }
        }
        return response;
    }
}
