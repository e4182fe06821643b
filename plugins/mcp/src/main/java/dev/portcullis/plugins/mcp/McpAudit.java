package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.mcp.McpCall;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records MCP access decisions in the gateway's audit log (layer {@code mcp}, event
 * {@code mcp.decision}, so they appear in {@code GET /api/audit}) and counts them in
 * {@code portcullis.mcp.decisions{server,tool,decision}}. Argument values never reach the log
 * (they may hold secrets or personal data): only their keys do.
 */
final class McpAudit {

    static final String LAYER = "mcp";
    static final String EVENT = "mcp.decision";
    static final String METRIC = "portcullis.mcp.decisions";

    private final String policy;
    private final AuditLog log;
    private final MeterRegistry meters;
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    McpAudit(String policy, AuditLog log, MeterRegistry meters) {
        this.policy = policy;
        this.log = log;
        this.meters = meters;
    }

    /**
     * Records one call decision.
     *
     * @param decision {@code allow}, {@code deny}, {@code shadow-deny} (would have denied) or {@code flag}
     * @param rule     the rule that decided (may be null)
     * @param reason   why, without argument values
     */
    void decision(Exchange ex, McpCall call, String agent, Collection<String> tasks, String decision, String rule, String reason) {
        String tool = call.server() + Names.SEPARATOR + call.name();
        count(call.server(), tool, decision);
        // built immutable at once: the event keeps it as it is instead of copying a mutable map
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] details = new Map.Entry[7];
        int n = 0;
        details[n++] = Map.entry("method", call.method());
        details[n++] = Map.entry("server", call.server());
        details[n++] = Map.entry("tool", tool);
        if (rule != null) {
            details[n++] = Map.entry("rule", rule);
        }
        if (agent != null) {
            details[n++] = Map.entry("agent", agent);
        }
        if (tasks != null) {
            details[n++] = Map.entry("tasks", String.join(",", tasks));
        }
        details[n++] = Map.entry("argumentKeys", String.join(",", call.arguments().keySet()));
        log.record(AuditEvent.of(ex, LAYER, EVENT, decision, policy, reason, Map.ofEntries(Arrays.copyOf(details, n))));
    }

    /** Records a decision about a listed tool (hidden or flagged while listing): no call, no arguments. */
    void listing(Exchange ex, String server, String tool, String decision, String rule, String reason) {
        count(server, tool, decision);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("method", "tools/list");
        details.put("server", server);
        details.put("tool", tool);
        put(details, "rule", rule);
        log.record(AuditEvent.of(ex, LAYER, EVENT, decision, policy, reason, details));
    }

    /** Counts an item hidden from a listing (tool, prompt or resource), without an audit event. */
    void countHidden(String server, String name, String decision) {
        count(server, name, decision);
    }

    /** The audit log, for events that are not call decisions (operator approvals). */
    AuditLog log() {
        return log;
    }

    private void count(String server, String tool, String decision) {
        counters.computeIfAbsent(new CounterKey(server, tool, decision), k -> Counter.builder(METRIC)
                .description("MCP access decisions of the gateway's policies")
                .tag("server", server)
                .tag("tool", tool)
                .tag("decision", decision)
                .register(meters)).increment();
    }

    private record CounterKey(String server, String tool, String decision) {}

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
