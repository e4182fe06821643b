package dev.portcullis.spi.mcp;

/** The kinds of things an MCP server offers. */
public enum McpKind {
    /** A tool ({@code tools/list}, {@code tools/call}); identified by its name. */
    TOOL,
    /** A resource or resource template ({@code resources/list}, {@code resources/read}); identified by its URI. */
    RESOURCE,
    /** A prompt ({@code prompts/list}, {@code prompts/get}); identified by its name. */
    PROMPT
}
