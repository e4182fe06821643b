package dev.portcullis.spi.llm;

import dev.portcullis.spi.SseEvent;
import java.util.function.Consumer;
import org.pf4j.ExtensionPoint;

/**
 * Speaks one provider's wire format: turns a canonical {@link ChatRequest} into the provider's
 * HTTP request and the provider's answer (a JSON body or a server-sent-event stream) back into
 * the canonical model. Stateless and thread-safe; per-stream state lives in the
 * {@link StreamDecoder}.
 */
public interface ProviderAdapter extends ExtensionPoint {

    /** The provider {@code type:} in config, e.g. {@code openai}, {@code anthropic}. */
    String type();

    /**
     * The provider request for {@code request}, whose {@link ChatRequest#model()} is already the
     * provider's model name. Streaming requests ask the provider for usage.
     */
    ProviderRequest chatRequest(ChatRequest request, ProviderEndpoint endpoint);

    /**
     * Reads a successful non-streamed response body.
     *
     * @throws IllegalArgumentException when the body is not the expected JSON
     */
    ChatResponse parseResponse(byte[] body);

    /** Reads an error answer (non-2xx status) into a canonical error. */
    ChatError parseError(int status, byte[] body);

    /** A decoder for one stream. */
    StreamDecoder streamDecoder();

    /** Turns one provider stream into canonical events, one provider event at a time. */
    interface StreamDecoder {

        /**
         * Decodes {@code event} and passes zero or more canonical events to {@code out}.
         *
         * @throws IllegalArgumentException when the event is not the expected JSON
         */
        void decode(SseEvent event, Consumer<ChatStreamEvent> out);
    }
}
