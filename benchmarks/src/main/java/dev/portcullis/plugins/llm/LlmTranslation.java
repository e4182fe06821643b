package dev.portcullis.plugins.llm;

import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.ProviderEndpoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The llm plugin's translation path between an OpenAI client and an Anthropic provider, the same
 * calls {@link LlmBackend} and {@link LlmEventSource} make, for the benchmarks. It lives in the
 * benchmarks module but in the plugin's package (a split package on the plain class path), so
 * the plugin keeps its wire classes package-private.
 */
public final class LlmTranslation {

    private final OpenAiClientFormat openAi = new OpenAiClientFormat(Clock.systemUTC());
    private final AnthropicAdapter anthropic = new AnthropicAdapter();
    private final ProviderEndpoint endpoint = new ProviderEndpoint("claude", "https://api.anthropic.com", "sk-ant-bench", Map.of());
    private final String providerModel;
    private final ClientFormat.ClientRequest request;
    private final ClientFormat.ClientRequest streamedRequest;

    /**
     * @param providerModel   the Anthropic model the public alias maps to
     * @param openAiRequest   the OpenAI request that {@link #anthropicResponseToOpenAi} answers
     *                        (parsed once here: the backend has it parsed already by then)
     * @param openAiStreaming an OpenAI streaming request, the client side of {@link #stream()}
     */
    public LlmTranslation(String providerModel, byte[] openAiRequest, byte[] openAiStreaming) {
        this.providerModel = providerModel;
        this.request = openAi.readRequest(openAiRequest);
        this.streamedRequest = openAi.readRequest(openAiStreaming);
    }

    /** OpenAI client request body → canonical → Anthropic provider request body. */
    public byte[] openAiRequestToAnthropic(byte[] openAiRequest) {
        ClientFormat.ClientRequest r = openAi.readRequest(openAiRequest);
        return anthropic.chatRequest(r.chat().withModel(providerModel), endpoint).body();
    }

    /** Anthropic provider response body → canonical → OpenAI client response body. */
    public byte[] anthropicResponseToOpenAi(byte[] anthropicResponse) {
        return openAi.writeResponse(anthropic.parseResponse(anthropicResponse), request);
    }

    /** A new stream: an Anthropic provider stream to an OpenAI client, one event at a time. */
    public Stream stream() {
        return new Stream(anthropic.streamDecoder(), openAi.streamEncoder(streamedRequest));
    }

    /** One stream's decoder and encoder, as {@link LlmEventSource} holds them. */
    public static final class Stream {

        private final ProviderAdapter.StreamDecoder decoder;
        private final StreamEncoder encoder;
        private final List<SseEvent> out = new ArrayList<>(4);
        private final Consumer<ChatStreamEvent> sink;

        Stream(ProviderAdapter.StreamDecoder decoder, StreamEncoder encoder) {
            this.decoder = decoder;
            this.encoder = encoder;
            this.sink = e -> encoder.encode(e, out);
        }

        /** The client events for one provider event; the list is reused by the next call. */
        public List<SseEvent> translate(SseEvent providerEvent) {
            out.clear();
            decoder.decode(providerEvent, sink);
            return out;
        }
    }
}
