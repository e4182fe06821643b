package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.mcp.McpCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records MCP access decisions: one JSON line per decision on the {@code portcullis.audit} logger
 * and the counter {@code portcullis.mcp.decisions{server,tool,decision}}. Argument values never
 * reach the log (they may hold secrets or personal data): only their keys do.
 */
final class McpAudit {

    static final Logger AUDIT = LoggerFactory.getLogger("portcullis.audit");
    static final String METRIC = "portcullis.mcp.decisions";

    private final String policy;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    McpAudit(String policy, MeterRegistry meters) {
        this.policy = policy;
        this.meters = meters;
    }

    /**
     * Records one decision.
     *
     * @param decision {@code allow}, {@code deny} or {@code shadow-deny} (would have denied)
     * @param rule     the rule that decided (may be null)
     * @param reason   why, without argument values
     */
    void decision(Exchange ex, McpCall call, String subject, String agent, Collection<String> tasks,
            String decision, String rule, String reason) {
        String tool = call.server() + Names.SEPARATOR + call.name();
        counters.computeIfAbsent(call.server() + '\n' + tool + '\n' + decision, k -> Counter.builder(METRIC)
                .description("MCP access decisions of the gateway's policies")
                .tag("server", call.server())
                .tag("tool", tool)
                .tag("decision", decision)
                .register(meters)).increment();
        if (!AUDIT.isInfoEnabled()) {
            return;
        }
        ObjectNode line = JsonRpc.NODES.objectNode();
        line.put("event", "mcp.decision");
        line.put("policy", policy);
        line.put("requestId", ex.requestId());
        line.put("route", ex.route().name());
        line.put("subject", subject);
        line.put("agent", agent);
        if (tasks != null) {
            ArrayNode t = line.putArray("tasks");
            tasks.forEach(t::add);
        }
        line.put("method", call.method());
        line.put("server", call.server());
        line.put("tool", tool);
        line.put("decision", decision);
        line.put("rule", rule);
        line.put("reason", reason);
        ArrayNode keys = line.putArray("argumentKeys");
        call.arguments().keySet().forEach(keys::add);
        AUDIT.info(line.toString());
    }
}
