package dev.portcullis.spi.llm;

import java.util.List;
import java.util.Map;

/**
 * A chat completion request in canonical form.
 *
 * @param model       the model asked for: the public alias as the client sent it
 * @param system      system instructions (OpenAI system/developer messages joined, Anthropic
 *                    {@code system}); null when none
 * @param messages    the conversation, oldest first
 * @param tools       tools the model may call; empty when none
 * @param toolChoice  how tools may be used; null for the provider's default
 * @param maxTokens   the output limit; null for the provider's default
 * @param temperature sampling temperature, or null
 * @param topP        nucleus sampling, or null
 * @param stop        stop sequences; empty when none
 * @param stream      whether the client asked for a server-sent-event stream
 * @param extras      the client's fields that have no canonical form (OpenAI
 *                    {@code response_format}, {@code seed}; Anthropic {@code top_k},
 *                    {@code metadata}, ...), forwarded only to providers of the same wire format
 */
public record ChatRequest(
        String model,
        String system,
        List<Message> messages,
        List<ToolDefinition> tools,
        ToolChoice toolChoice,
        Integer maxTokens,
        Double temperature,
        Double topP,
        List<String> stop,
        boolean stream,
        Extras extras) {

    /** Defensive copies; null lists become empty, null extras {@link Extras#NONE}. */
    public ChatRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
        extras = extras == null ? Extras.NONE : extras;
    }

    /** The same request for another model name (e.g. the provider's name for an alias). */
    public ChatRequest withModel(String providerModel) {
        return new ChatRequest(providerModel, system, messages, tools, toolChoice, maxTokens, temperature, topP, stop, stream, extras);
    }

    /**
     * Top-level request fields of one wire format that the canonical model does not carry.
     *
     * @param wire   the wire format they belong to: {@code openai} or {@code anthropic}
     * @param fields field name → its JSON value as text
     */
    public record Extras(String wire, Map<String, String> fields) {

        /** No extra fields. */
        public static final Extras NONE = new Extras("", Map.of());

        /** Defensive copy. */
        public Extras {
            fields = Map.copyOf(fields);
        }

        /** Whether there are fields for {@code wire}. */
        public boolean isFor(String wire) {
            return !fields.isEmpty() && this.wire.equals(wire);
        }
    }
}
