package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.AdminEndpoint;
import dev.portcullis.spi.AdminRequest;
import dev.portcullis.spi.AuditEvent;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpItem;
import dev.portcullis.spi.mcp.McpKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mcp-pin} policy: tool pinning against rug pulls. Every tool's definition is
 * fingerprinted when it is listed; the first fingerprint seen is approved (trust on first use,
 * unless switched off) or config pins one. A tool whose current definition differs from the
 * approved one is hidden from listings and its calls are refused until an operator approves the
 * new fingerprint: through the admin endpoint {@code pins} or through {@code pins:} in config.
 *
 * <p>Approved, last-seen and rejected fingerprints live in the state store, so approvals survive
 * restarts and every node sharing the store answers the same. A call is checked against the
 * definition last <em>listed</em> through the gateway: a tool never listed is refused (its
 * definition is unverified).
 */
final class PinPolicy implements Policy, McpAuthorizer, AdminEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(PinPolicy.class);
    private static final Duration FOREVER = Duration.ofDays(3650);
    private static final int MAX_LISTED = 10_000;

    private final StateStore store;
    private final String prefix;
    private final String namespace;
    private final boolean trustOnFirstUse;
    private final McpAudit audit;
    private final Clock clock;
    /** Last fingerprint this node wrote as "seen", to write the store only on change. */
    private final Map<String, String> seenHere = new ConcurrentHashMap<>();
    /** The blocked fingerprint last reported per tool, to warn and audit once per change rather than per listing. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    PinPolicy(PinConfig config, StateStore store, McpAudit audit, Clock clock) {
        this.store = store;
        this.namespace = config.namespace();
        this.prefix = "mcp-pin:" + config.namespace() + ':';
        this.trustOnFirstUse = config.trustOnFirstUse();
        this.audit = audit;
        this.clock = clock;
        // config pins are approvals: persist them, so they outlive their removal from config. A pin
        // is applied when it differs from the one config gave last time, so an approval made later
        // through the admin API is not undone by the next reload of an unchanged config.
        config.pins().forEach((tool, fp) -> {
            if (!fp.equals(value("config:" + tool))) {
                store.putValue(prefix + "approved:" + tool, bytes(fp), FOREVER);
                store.putValue(prefix + "config:" + tool, bytes(fp), FOREVER);
                store.delete(prefix + "rejected:" + tool);
            }
        });
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        McpAuthorizers.attach(exchange, this);
        return Verdict.proceed();
    }

    @Override
    public boolean visible(Exchange exchange, McpItem item) {
        if (item.kind() != McpKind.TOOL) {
            return true;
        }
        String tool = item.server() + Names.SEPARATOR + item.name();
        String now = ToolFingerprint.of(item.definition());
        if (!now.equals(seenHere.get(tool))) {
            store.putValue(prefix + "seen:" + tool, bytes(now), FOREVER);
            seenHere.put(tool, now);
        }
        String approved = value("approved:" + tool);
        if (approved == null && trustOnFirstUse) {
            store.putValueIfAbsent(prefix + "approved:" + tool, bytes(now), FOREVER);
            approved = value("approved:" + tool);
        }
        if (now.equals(approved)) {
            return true;
        }
        if (!now.equals(warned.put(tool, now))) {
            String reason = approved == null
                    ? "tool " + tool + " is new (" + now + ") and waits for approval"
                    : "tool " + tool + " changed since it was approved (approved " + approved + ", now " + now + ")";
            LOG.warn("MCP {}: hidden and blocked until approved", reason);
            audit.listing(exchange, item.server(), tool, "hide", rule(tool), reason);
        }
        return false;
    }

    @Override
    public McpDecision authorize(Exchange exchange, McpCall call) {
        if (call.kind() != McpKind.TOOL) {
            return McpDecision.allow();
        }
        String tool = call.server() + Names.SEPARATOR + call.name();
        String seen = value("seen:" + tool);
        String approved = value("approved:" + tool);
        String rule = rule(tool);
        McpDecision d;
        if (seen == null) {
            d = McpDecision.deny(rule, "tool " + tool + " has not been listed through the gateway, so its definition is "
                    + "unverified: call tools/list first");
        } else if (approved == null) {
            d = McpDecision.deny(rule, "tool " + tool + " is new (" + seen + ") and not approved yet; an operator approves "
                    + "it through the admin endpoint pins (POST pins/" + tool + "/approve)");
        } else if (!seen.equals(approved)) {
            d = McpDecision.deny(rule, "tool " + tool + " changed since it was approved (approved " + approved + ", now "
                    + seen + "); it stays blocked until an operator approves the new definition (POST pins/" + tool + "/approve)");
        } else {
            return McpDecision.allow(rule);
        }
        audit.decision(exchange, call, null, null, "deny", d.rule(), d.reason());
        return d;
    }

    private static String rule(String tool) {
        return "mcp-pin:" + tool;
    }

    // ---------------------------------------------------------------- admin endpoint

    @Override
    public String adminEndpointName() {
        return "pins";
    }

    /**
     * {@code GET pins} lists every tool seen with its approved and current fingerprint and status;
     * {@code GET pins/<tool>} one tool; {@code POST pins/<tool>/approve} approves the current
     * definition (optionally only if it still is {@code {"fingerprint": "..."}});
     * {@code POST pins/<tool>/reject} records that the current definition is refused (it stays blocked).
     */
    @Override
    public Response handleAdmin(AdminRequest request) {
        List<String> segs = request.segments();
        String method = request.method();
        if (segs.isEmpty()) {
            if (!method.equals("GET")) {
                return adminError(405, "use GET to list pins");
            }
            ArrayNode tools = JsonRpc.NODES.arrayNode();
            TreeSet<String> names = new TreeSet<>();
            for (String key : store.keys(prefix + "seen:", MAX_LISTED)) {
                names.add(key.substring((prefix + "seen:").length()));
            }
            for (String key : store.keys(prefix + "approved:", MAX_LISTED)) {
                names.add(key.substring((prefix + "approved:").length()));
            }
            names.forEach(t -> tools.add(describe(t)));
            ObjectNode out = JsonRpc.NODES.objectNode();
            out.put("namespace", namespace);
            out.set("tools", tools);
            return Response.json(200, out.toString());
        }
        String tool = segs.get(0);
        if (value("seen:" + tool) == null && value("approved:" + tool) == null) {
            return adminError(404, "no tool " + tool + " has been listed through this policy");
        }
        if (segs.size() == 1) {
            return method.equals("GET") ? Response.json(200, describe(tool).toString()) : adminError(405, "use GET");
        }
        if (segs.size() != 2 || !(segs.get(1).equals("approve") || segs.get(1).equals("reject"))) {
            return adminError(404, "unknown action: use pins/<tool>/approve or pins/<tool>/reject");
        }
        if (!method.equals("POST")) {
            return adminError(405, "use POST");
        }
        String current = value("seen:" + tool);
        if (current == null) {
            return adminError(409, "tool " + tool + " has not been listed since its pin was set; list it first");
        }
        String expected;
        String note;
        try {
            JsonNode body = request.body().length == 0 ? null : JsonRpc.MAPPER.readTree(request.body());
            expected = body == null ? null : body.path("fingerprint").asText(null);
            note = body == null ? null : body.path("reason").asText(null);
        } catch (IOException e) {
            return adminError(400, "the body must be JSON, e.g. {\"fingerprint\": \"sha256:...\", \"reason\": \"...\"}");
        }
        if (expected != null && !expected.equals(current)) {
            return adminError(409, "tool " + tool + " is now " + current + ", not " + expected + "; review it again");
        }
        String previous = value("approved:" + tool);
        boolean approve = segs.get(1).equals("approve");
        if (approve) {
            store.putValue(prefix + "approved:" + tool, bytes(current), FOREVER);
            store.delete(prefix + "rejected:" + tool);
            warned.remove(tool);
        } else {
            store.putValue(prefix + "rejected:" + tool, bytes(current), FOREVER);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("namespace", namespace);
        details.put("tool", tool);
        details.put("fingerprint", current);
        if (previous != null) {
            details.put("previous", previous);
        }
        String reason = (approve ? "operator approved " : "operator rejected ") + tool + " " + current
                + (note == null || note.isBlank() ? "" : ": " + note);
        audit.log().record(new AuditEvent(clock.instant(), "admin", approve ? "mcp.pin.approve" : "mcp.pin.reject",
                approve ? "approve" : "reject", "mcp-pin", null, null, null, null, reason, details));
        LOG.info("MCP pin: {}", reason);
        return Response.json(200, describe(tool).toString());
    }

    /** One tool's pin state for operators. */
    private ObjectNode describe(String tool) {
        String approved = value("approved:" + tool);
        String current = value("seen:" + tool);
        String rejected = value("rejected:" + tool);
        ObjectNode o = JsonRpc.NODES.objectNode();
        o.put("tool", tool);
        o.put("approved", approved);
        o.put("current", current);
        String status;
        if (current == null) {
            status = "not listed";
        } else if (current.equals(approved)) {
            status = "approved";
        } else if (current.equals(rejected)) {
            status = "rejected";
        } else {
            status = approved == null ? "new" : "pending change";
        }
        o.put("status", status);
        if (rejected != null) {
            o.put("rejected", rejected);
        }
        return o;
    }

    private static Response adminError(int status, String message) {
        ObjectNode o = JsonRpc.NODES.objectNode();
        o.put("error", message);
        return Response.json(status, o.toString());
    }

    private String value(String key) {
        Optional<byte[]> v = store.getValue(prefix + key);
        return v.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
