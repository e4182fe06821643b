package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpItem;
import dev.portcullis.spi.mcp.McpKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mcp-pin} policy: tool pinning against rug pulls. Every tool's definition is
 * fingerprinted when it is listed; the first fingerprint seen is approved (trust on first use)
 * unless config pins one. A tool whose current definition differs from the approved one is hidden
 * from listings and its calls are refused until an operator approves the new fingerprint through
 * {@code pins:} (config reload). Approved and last-seen fingerprints live in the state store, so
 * approvals survive restarts and are shared by nodes using a shared store.
 *
 * <p>A call is checked against the definition last <em>listed</em> through the gateway: a tool
 * never listed is refused (its definition is unverified).
 */
final class PinPolicy implements Policy, McpAuthorizer {

    private static final Logger LOG = LoggerFactory.getLogger(PinPolicy.class);
    private static final Duration FOREVER = Duration.ofDays(3650);

    private final StateStore store;
    private final String prefix;
    private final Map<String, String> configured;
    private final McpAudit audit;
    /** Last fingerprint this node wrote as "seen", to write the store only on change. */
    private final Map<String, String> seenHere = new ConcurrentHashMap<>();
    /** The changed fingerprint last warned about per tool, to warn once per change rather than per listing. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    PinPolicy(PinConfig config, StateStore store, McpAudit audit) {
        this.store = store;
        this.prefix = "mcp-pin:" + config.namespace() + ':';
        this.configured = Map.copyOf(config.pins());
        this.audit = audit;
        // config pins are approvals: persist them, so they outlive their removal from config
        configured.forEach((tool, fp) -> store.putValue(prefix + "approved:" + tool, bytes(fp), FOREVER));
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
        String approved = approved(tool);
        if (approved == null) {
            store.putValueIfAbsent(prefix + "approved:" + tool, bytes(now), FOREVER);
            approved = approved(tool);
        }
        if (!now.equals(approved)) {
            if (!now.equals(warned.put(tool, now))) {
                LOG.warn("MCP tool {} changed since it was approved (approved {}, now {}): hidden and blocked until approved",
                        tool, approved, now);
            }
            return false;
        }
        return true;
    }

    @Override
    public McpDecision authorize(Exchange exchange, McpCall call) {
        if (call.kind() != McpKind.TOOL) {
            return McpDecision.allow();
        }
        String tool = call.server() + Names.SEPARATOR + call.name();
        String seen = value(prefix + "seen:" + tool);
        String approved = approved(tool);
        String rule = "mcp-pin:" + tool;
        McpDecision d;
        if (seen == null || approved == null) {
            d = McpDecision.deny(rule, "tool " + tool + " has not been listed through the gateway, so its definition is "
                    + "unverified: call tools/list first");
        } else if (!seen.equals(approved)) {
            d = McpDecision.deny(rule, "tool " + tool + " changed since it was approved (approved " + approved + ", now "
                    + seen + "); it stays blocked until an operator approves the new definition");
        } else {
            return McpDecision.allow(rule);
        }
        audit.decision(exchange, call, exchange.identity().map(i -> i.subject()).orElse(null), null, null,
                "deny", d.rule(), d.reason());
        return d;
    }

    private String approved(String tool) {
        String pinned = configured.get(tool);
        return pinned != null ? pinned : value(prefix + "approved:" + tool);
    }

    private String value(String key) {
        Optional<byte[]> v = store.getValue(key);
        return v.map(b -> new String(b, StandardCharsets.US_ASCII)).orElse(null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
