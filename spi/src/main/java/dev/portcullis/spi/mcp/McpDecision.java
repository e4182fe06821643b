package dev.portcullis.spi.mcp;

/**
 * An authorizer's answer about one call. A denial names the rule that decided and says why; both
 * reach the client in the JSON-RPC error, so neither may contain secrets.
 *
 * @param allowed whether the call may proceed
 * @param rule    the rule that decided (e.g. {@code task:customer-support}); may be null when allowed
 * @param reason  a human explanation; may be null when allowed
 */
public record McpDecision(boolean allowed, String rule, String reason) {

    private static final McpDecision ALLOW = new McpDecision(true, null, null);

    /** The shared "allowed" decision. */
    public static McpDecision allow() {
        return ALLOW;
    }

    /** An allowed decision that records which rule allowed it (for audit). */
    public static McpDecision allow(String rule) {
        return new McpDecision(true, rule, null);
    }

    /** A denial by {@code rule}, because {@code reason}. */
    public static McpDecision deny(String rule, String reason) {
        return new McpDecision(false, rule, reason);
    }
}
