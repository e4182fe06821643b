package dev.portcullis.spi.mcp;

import dev.portcullis.spi.Exchange;

/**
 * Takes part in the {@code mcp} backend's access decisions for one exchange. Attach an instance
 * with {@link McpAuthorizers#attach} in a policy's request phase; the backend consults every
 * attached authorizer, in attach order, and the first denial wins.
 *
 * <p>Called on the request's thread, possibly several times per request (once per listed item);
 * keep it fast and non-blocking where possible. An authorizer that throws denies (fail closed).
 */
public interface McpAuthorizer {

    /**
     * Whether {@code item} appears in the listing returned to the client ({@code tools/list},
     * {@code resources/list}, {@code resources/templates/list}, {@code prompts/list}). Hiding an
     * item does not by itself forbid calling it: {@link #authorize} decides that.
     */
    default boolean visible(Exchange exchange, McpItem item) {
        return true;
    }

    /** Whether {@code call} may be forwarded to its upstream server. */
    default McpDecision authorize(Exchange exchange, McpCall call) {
        return McpDecision.allow();
    }
}
