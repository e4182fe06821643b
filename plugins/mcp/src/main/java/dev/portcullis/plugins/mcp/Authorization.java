package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.mcp.McpAuthorizer;
import dev.portcullis.spi.mcp.McpAuthorizers;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;
import dev.portcullis.spi.mcp.McpItem;
import dev.portcullis.spi.mcp.McpKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorizers policies attached to one exchange, asked in order; the first denial wins and an
 * authorizer that throws denies (fail closed). With none attached every answer is "yes" at no cost.
 */
final class Authorization {

    private static final Logger LOG = LoggerFactory.getLogger(Authorization.class);

    private final Exchange exchange;
    private final List<McpAuthorizer> authorizers;

    Authorization(Exchange exchange) {
        this.exchange = exchange;
        this.authorizers = McpAuthorizers.of(exchange);
    }

    boolean isEmpty() {
        return authorizers.isEmpty();
    }

    /** The attached authorizers that inspect tool results (see {@link ResultInspector}). */
    List<ResultInspector> inspectors() {
        List<ResultInspector> out = null;
        for (McpAuthorizer a : authorizers) {
            if (a instanceof ResultInspector i) {
                if (out == null) {
                    out = new ArrayList<>(1);
                }
                out.add(i);
            }
        }
        return out == null ? List.of() : out;
    }

    /** Whether every authorizer lets the client see {@code definition}. */
    boolean visible(McpKind kind, String server, String name, JsonNode definition) {
        if (authorizers.isEmpty()) {
            return true;
        }
        McpItem item = new McpItem(kind, server, name, plainMap(definition));
        for (McpAuthorizer a : authorizers) {
            try {
                if (!a.visible(exchange, item)) {
                    return false;
                }
            } catch (RuntimeException e) {
                LOG.warn("MCP authorizer {} failed on a listing; hiding {} {}", a.getClass().getName(), server, name, e);
                return false;
            }
        }
        return true;
    }

    /** The first denial, or allow (carrying the last allowing rule, if any named one). */
    McpDecision authorize(McpCall call) {
        McpDecision last = McpDecision.allow();
        for (McpAuthorizer a : authorizers) {
            McpDecision d;
            try {
                d = a.authorize(exchange, call);
            } catch (RuntimeException e) {
                LOG.warn("MCP authorizer {} failed; denying {} on {}", a.getClass().getName(), call.name(), call.server(), e);
                return McpDecision.deny("authorizer-error", "the access check failed; the call is refused");
            }
            if (d == null) {
                continue;
            }
            if (!d.allowed()) {
                return d;
            }
            if (d.rule() != null || last.rule() == null) {
                last = d; // an allow without a rule does not hide the rule that allowed before it
            }
        }
        return last;
    }

    /** A JSON object as unmodifiable plain Java values (maps, lists, strings, numbers, booleans, nulls). */
    static Map<String, Object> plainMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) plain(node);
        return m;
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), plain(e.getValue()));
            }
            return Collections.unmodifiableMap(m);
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            for (JsonNode e : n) {
                l.add(plain(e));
            }
            return Collections.unmodifiableList(l);
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        return null;
    }
}
