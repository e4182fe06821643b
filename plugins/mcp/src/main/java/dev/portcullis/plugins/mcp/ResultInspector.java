package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.mcp.McpCall;
import dev.portcullis.spi.mcp.McpDecision;

/**
 * An attached authorizer that also wants to see tool results before the client does (indirect
 * prompt injection through tool output). Private to this plugin: when one is attached, the backend
 * reads a {@code tools/call} answer whole (an event stream's progress still streams) instead of
 * relaying it byte for byte.
 */
interface ResultInspector {

    /** Whether {@code result} (the JSON-RPC {@code result} of {@code call}) may reach the client; a denial replaces it with an error. */
    McpDecision inspect(Exchange exchange, McpCall call, JsonNode result);
}
