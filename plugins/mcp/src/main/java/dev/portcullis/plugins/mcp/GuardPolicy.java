package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.InjectionDetector;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.Verdict;
import dev.portcullis.spi.mcp.McpAttributes;
import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpItem;
import dev.portcullis.spi.mcp.McpKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mcp-guard} policy: tool poisoning and indirect injection. Every listed tool's
 * description (and the descriptions inside its input schema) is scanned for invisible Unicode and
 * hidden-instruction phrases ({@link HiddenInstructions}) and, when configured, by an
 * {@link InjectionDetector} such as the prompt guard's. A poisoned tool is hidden and its calls
 * refused ({@code action: block}) or only audited ({@code flag}). Optionally every tool result is
 * given to the detector too: flagged (audit plus {@link McpAttributes#RESULT_FLAGGED}) or blocked.
 *
 * <p>Scans are cached per definition fingerprint, so a listing costs a hash per tool once seen.
 */
final class GuardPolicy implements Policy, McpAuthorizer, ResultInspector {

    private static final Logger LOG = LoggerFactory.getLogger(GuardPolicy.class);
    private static final Duration BLOCK_TTL = Duration.ofDays(30);
    private static final int MAX_CACHED = 10_000;

    private final boolean block;
    private final InjectionDetector detector;
    private final String results;
    private final StateStore store;
    private final String prefix;
    private final McpAudit audit;
    /** fingerprint → findings (empty when clean). */
    private final Map<String, Set<String>> scanned = new ConcurrentHashMap<>();
    /** tool → fingerprint last reported, to audit a poisoned definition once rather than per listing. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    GuardPolicy(GuardConfig config, InjectionDetector detector, StateStore store, McpAudit audit) {
        this.block = config.action().equals("block");
        this.detector = detector;
        this.results = config.results();
        this.store = store;
        this.prefix = "mcp-guard:" + config.namespace() + ":blocked:";
        this.audit = audit;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        McpAuthorizers.attach(exchange, results.equals("off") ? new ListingsOnly(this) : this);
        return Verdict.proceed();
    }

    /** Attached when results are not scanned: not a {@link ResultInspector}, so answers keep streaming byte for byte. */
    private record ListingsOnly(GuardPolicy guard) implements McpAuthorizer {
        @Override
        public boolean visible(Exchange exchange, McpItem item) {
            return guard.visible(exchange, item);
        }

        @Override
        public McpDecision authorize(Exchange exchange, McpCall call) {
            return guard.authorize(exchange, call);
        }
    }

    @Override
    public boolean visible(Exchange exchange, McpItem item) {
        if (item.kind() != McpKind.TOOL) {
            return true;
        }
        String tool = item.server() + Names.SEPARATOR + item.name();
        String fp = ToolFingerprint.of(item.definition());
        Set<String> findings = scanned.get(fp);
        if (findings == null) {
            findings = scan(item.definition());
            if (scanned.size() >= MAX_CACHED) {
                scanned.clear();
            }
            scanned.put(fp, findings);
        }
        if (findings.isEmpty()) {
            if (reported.remove(tool) != null && block) {
                store.delete(prefix + tool); // the server fixed the tool
            }
            return true;
        }
        if (!fp.equals(reported.put(tool, fp))) {
            // first sighting of this poisoned definition on this node: report it, and block it for every node
            String reason = "the description of tool " + tool + " holds hidden instructions (" + String.join(", ", findings) + ")";
            LOG.warn("MCP {}: {}", reason, block ? "hidden and blocked" : "flagged");
            audit.listing(exchange, item.server(), tool, block ? "hide" : "flag", rule(tool), reason);
            if (block) {
                store.putValue(prefix + tool, String.join(", ", findings).getBytes(StandardCharsets.UTF_8), BLOCK_TTL);
            }
        }
        return !block;
    }

    @Override
    public McpDecision authorize(Exchange exchange, McpCall call) {
        if (!block || call.kind() != McpKind.TOOL) {
            return McpDecision.allow();
        }
        String tool = call.server() + Names.SEPARATOR + call.name();
        String seenHere = reported.get(tool); // this node listed it poisoned: no store read needed
        Set<String> known = seenHere == null ? null : scanned.get(seenHere);
        String findings;
        if (known != null && !known.isEmpty()) {
            findings = String.join(", ", known);
        } else {
            Optional<byte[]> blocked = store.getValue(prefix + tool); // listed poisoned by another node
            if (blocked.isEmpty()) {
                return McpDecision.allow();
            }
            findings = new String(blocked.get(), StandardCharsets.UTF_8);
        }
        McpDecision d = McpDecision.deny(rule(tool), "the description of tool " + tool + " holds hidden instructions ("
                + findings + "); the tool is blocked");
        audit.decision(exchange, call, null, null, "deny", d.rule(), d.reason());
        return d;
    }

    @Override
    public McpDecision inspect(Exchange exchange, McpCall call, JsonNode result) {
        StringBuilder text = new StringBuilder();
        for (JsonNode c : result.path("content")) {
            append(text, c.path("text"));
            append(text, c.path("resource").path("text"));
        }
        if (result.has("structuredContent")) {
            text.append('\n').append(result.get("structuredContent"));
        }
        if (text.isEmpty()) {
            return McpDecision.allow();
        }
        InjectionDetector.Detection d = detector.detect(text.toString());
        if (!d.injected()) {
            return McpDecision.allow();
        }
        String tool = call.server() + Names.SEPARATOR + call.name();
        String why = "score " + String.format(java.util.Locale.ROOT, "%.2f", d.score())
                + (d.reasons().isEmpty() ? "" : ", " + String.join(", ", d.reasons()));
        String reason = "the result of tool " + tool + " looks like a prompt injection (" + why + ")";
        boolean blocking = results.equals("block");
        audit.decision(exchange, call, null, null, blocking ? "block" : "flag", rule(tool) + ":result", reason);
        if (!exchange.attributes().has(McpAttributes.RESULT_FLAGGED)) {
            exchange.attributes().set(McpAttributes.RESULT_FLAGGED, reason);
        }
        return blocking ? McpDecision.deny(rule(tool) + ":result", reason) : McpDecision.allow();
    }

    private Set<String> scan(Map<String, Object> definition) {
        Set<String> findings = new LinkedHashSet<>();
        for (String text : HiddenInstructions.texts(definition)) {
            findings.addAll(HiddenInstructions.scan(text));
            if (detector != null) {
                InjectionDetector.Detection d = detector.detect(text);
                if (d.injected()) {
                    if (d.reasons().isEmpty()) {
                        findings.add("detector");
                    }
                    d.reasons().forEach(r -> findings.add("detector:" + r));
                }
            }
        }
        return findings.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(findings);
    }

    private static void append(StringBuilder b, JsonNode text) {
        if (text.isTextual()) {
            b.append(b.isEmpty() ? "" : "\n").append(text.textValue());
        }
    }

    private static String rule(String tool) {
        return "mcp-guard:" + tool;
    }
}
