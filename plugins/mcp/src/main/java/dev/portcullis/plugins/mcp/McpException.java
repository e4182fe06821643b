package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ends the handling of one message with a JSON-RPC error, answered with {@code httpStatus}
 * (200 when the error is an ordinary JSON-RPC response to a request).
 */
final class McpException extends RuntimeException {

    final int httpStatus;
    final int code;
    final JsonNode data;

    McpException(int httpStatus, int code, String message) {
        this(httpStatus, code, message, null);
    }

    McpException(int httpStatus, int code, String message, JsonNode data) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.code = code;
        this.data = data;
    }

    /** An invalid-params error answered as a normal JSON-RPC response. */
    static McpException invalidParams(String message) {
        return new McpException(200, JsonRpc.INVALID_PARAMS, message);
    }
}
