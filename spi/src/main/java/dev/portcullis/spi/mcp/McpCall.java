package dev.portcullis.spi.mcp;

import java.util.Map;

/**
 * A call the {@code mcp} backend is about to forward to an upstream server.
 *
 * @param method     the JSON-RPC method: {@code tools/call}, {@code resources/read} or {@code prompts/get}
 * @param kind       what is called
 * @param server     the configured name of the upstream server that owns it
 * @param name       the upstream's own name (tool or prompt name; resource URI)
 * @param publicName the name the client used (with the server prefix); the URI for resources
 * @param arguments  the call's arguments ({@code arguments} of a tool call or prompt) as plain
 *                   Java values (maps, lists, strings, numbers, booleans, nulls); empty when there
 *                   are none; unmodifiable
 */
public record McpCall(String method, McpKind kind, String server, String name, String publicName, Map<String, Object> arguments) {

    /** Null arguments become empty. */
    public McpCall {
        arguments = arguments == null ? Map.of() : arguments;
    }
}
