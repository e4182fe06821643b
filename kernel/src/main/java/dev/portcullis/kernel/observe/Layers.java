package dev.portcullis.kernel.observe;

/** Which gate a route belongs to, from its backend: {@code llm} is the AI gate, {@code mcp} the MCP gate, anything else the API gate. */
public final class Layers {

    private Layers() {}

    /** {@code ai}, {@code mcp} or {@code api}. */
    public static String of(String backendType) {
        return switch (backendType) {
            case "llm" -> "ai";
            case "mcp", "oauth-protected-resource" -> "mcp";
            default -> "api";
        };
    }
}
