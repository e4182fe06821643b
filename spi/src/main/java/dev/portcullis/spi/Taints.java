package dev.portcullis.spi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Cross-layer taint: when one layer distrusts an agent (the AI gate flags an injected prompt in
 * its conversation), it marks the agent for a while, and the other layers tighten for it (the MCP
 * gate refuses tools marked sensitive, naming the flag). The mark lives in a {@link StateStore},
 * so every node of a cluster sees it when the store is shared; it expires on its own.
 *
 * <p>An agent is keyed as the layers' limits and budgets key it: its consumer when it has one,
 * else its token subject.
 */
public final class Taints {

    private static final String PREFIX = "taint:";

    /**
     * Why an agent is tainted.
     *
     * @param source        the layer and policy that marked it, e.g. {@code ai/prompt-guard}
     * @param reason        a short reason, no prompt text (e.g. {@code heuristic:instruction-override})
     * @param correlationId the correlation id of the exchange that caused it
     * @param at            when
     */
    public record Taint(String source, String reason, String correlationId, Instant at) {}

    private Taints() {}

    /** The key of the agent behind {@code identity}: its consumer, else {@code sub:<subject>}. */
    public static String agentKey(Identity identity) {
        return identity.consumer() != null ? identity.consumer() : "sub:" + identity.subject();
    }

    /** Marks the agent {@code agentKey} for {@code ttl} (a later mark replaces an earlier one). */
    public static void mark(StateStore store, String agentKey, Taint taint, Duration ttl) {
        String value = String.join("\n", clean(taint.source()), clean(taint.reason()), clean(taint.correlationId()),
                Long.toString(taint.at().toEpochMilli()));
        store.putValue(PREFIX + agentKey, value.getBytes(StandardCharsets.UTF_8), ttl);
    }

    /** The agent's live taint, if any. */
    public static Optional<Taint> find(StateStore store, String agentKey) {
        return store.getValue(PREFIX + agentKey).map(bytes -> {
            String[] f = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            if (f.length != 4) {
                return null;
            }
            try {
                return new Taint(f[0], f[1], f[2].isEmpty() ? null : f[2], Instant.ofEpochMilli(Long.parseLong(f[3])));
            } catch (NumberFormatException e) {
                return null;
            }
        });
    }

    /** Lifts the agent's taint (an operator's decision). */
    public static void clear(StateStore store, String agentKey) {
        store.delete(PREFIX + agentKey);
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }
}
