package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Request;
import java.time.Clock;

/**
 * What the plugin's policies (token limits, budgets, cache) share: the client format of a
 * request, and the request parsed once per exchange (the backend reuses the parse).
 */
final class LlmPolicySupport {

    /** The largest body a policy parses; bigger ones are left to the backend, which refuses them. */
    static final long MAX_BODY = 16L * 1024 * 1024;

    private final ClientFormat openAi = new OpenAiClientFormat(Clock.systemUTC());
    private final ClientFormat anthropic = new AnthropicClientFormat();

    /** The client format of a chat request, or null when the request is not a chat call. */
    ClientFormat chatFormat(Request request) {
        if (!request.method().equals("POST")) {
            return null;
        }
        String path = request.path();
        if (path.endsWith("/chat/completions")) {
            return openAi;
        }
        return path.endsWith("/messages") ? anthropic : null;
    }

    /**
     * The parsed chat request, or null when this is not a chat call or the body is not a valid
     * request: the backend then answers the client with the precise error.
     */
    ClientFormat.ClientRequest chat(Exchange exchange, ClientFormat format) {
        if (format == null) {
            return null;
        }
        try {
            return ClientRequests.read(exchange, format, MAX_BODY);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Who is calling, for per-consumer keys: the consumer, else the subject, else the client IP. */
    static String consumer(Exchange exchange) {
        Identity id = exchange.identity().orElse(null);
        if (id == null) {
            return "ip:" + exchange.request().clientIp();
        }
        return id.consumer() != null ? id.consumer() : "sub:" + id.subject();
    }
}
