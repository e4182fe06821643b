/**
 * The MCP gate's extension points: what the {@code mcp} backend tells policies about the MCP
 * traffic it carries, and how policies take part in its access decisions.
 *
 * <p>A policy that governs MCP traffic (task-based access control, tool pinning) implements
 * {@link dev.portcullis.spi.mcp.McpAuthorizer} and, in its request phase, attaches itself to the
 * exchange with {@link dev.portcullis.spi.mcp.McpAuthorizers#attach}. The {@code mcp} backend then
 * asks every attached authorizer before it forwards a call ({@code tools/call},
 * {@code resources/read}, {@code prompts/get}) and filters every listing it returns.
 */
package dev.portcullis.spi.mcp;
