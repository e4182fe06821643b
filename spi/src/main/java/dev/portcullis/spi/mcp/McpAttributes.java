package dev.portcullis.spi.mcp;

import dev.portcullis.spi.AttributeKey;

/**
 * Facts the {@code mcp} backend states about an exchange, for response-phase policies, audit logs
 * and metrics. Set by the backend, so not yet present in the request phase: decisions before
 * forwarding belong in an {@link McpAuthorizer}.
 */
public final class McpAttributes {

    /** The JSON-RPC method of a single-message request ({@code tools/call}, {@code tools/list}, ...). */
    public static final AttributeKey<String> METHOD = AttributeKey.of("mcp.method", String.class);

    /** The call forwarded (or refused) for a single-message {@code tools/call}, {@code resources/read} or {@code prompts/get}. */
    public static final AttributeKey<McpCall> CALL = AttributeKey.of("mcp.call", McpCall.class);

    /** The decision taken about {@link #CALL}. */
    public static final AttributeKey<McpDecision> DECISION = AttributeKey.of("mcp.decision", McpDecision.class);

    /**
     * Set (once) when a tool result of this exchange was flagged as a likely prompt injection
     * (indirect injection) by the MCP gate's result scanning; the value says why (detector
     * reasons, never the text). Later layers may treat the agent's next steps with suspicion.
     */
    public static final AttributeKey<String> RESULT_FLAGGED = AttributeKey.of("mcp.result.flagged", String.class);

    private McpAttributes() {}
}
