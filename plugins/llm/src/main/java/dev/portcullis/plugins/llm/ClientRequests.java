package dev.portcullis.plugins.llm;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.llm.LlmAttributes;

/**
 * Reads the client's request once per exchange: a request-phase policy of this plugin (a token
 * limit, say) and the backend share the parsed result through an exchange attribute.
 */
final class ClientRequests {

    private static final AttributeKey<ClientFormat.ClientRequest> PARSED =
            AttributeKey.of("llm.client-request", ClientFormat.ClientRequest.class);

    private ClientRequests() {}

    /**
     * The parsed request, reading and parsing the body on first use; also publishes
     * {@link LlmAttributes#REQUEST}.
     *
     * @throws BodyTooLargeException    when the body exceeds {@code maxBytes}
     * @throws IllegalArgumentException when the body is not a valid request
     * @throws java.io.UncheckedIOException when the body cannot be read
     */
    static ClientFormat.ClientRequest read(Exchange exchange, ClientFormat format, long maxBytes) {
        var parsed = exchange.attributes().get(PARSED);
        if (parsed.isPresent()) {
            return parsed.get();
        }
        ClientFormat.ClientRequest request = format.readRequest(exchange.request().body().bytes(maxBytes));
        exchange.attributes().set(PARSED, request);
        exchange.attributes().set(LlmAttributes.REQUEST, request.chat());
        return request;
    }
}
