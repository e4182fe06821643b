package dev.portcullis.spi.llm;

import java.util.List;

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
        boolean stream) {

    /** Defensive copies; null lists become empty. */
    public ChatRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** The same request for another model name (e.g. the provider's name for an alias). */
    public ChatRequest withModel(String providerModel) {
        return new ChatRequest(providerModel, system, messages, tools, toolChoice, maxTokens, temperature, topP, stop, stream);
    }
}
