package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.ProviderAdapter;
import java.util.List;
import java.util.Map;

/** The built-in provider adapters by type. */
final class Providers {

    static final Map<String, ProviderAdapter> BUILT_IN = Map.of(
            "openai", new OpenAiAdapter(OpenAiAdapter.Flavour.OPENAI),
            "openai-compatible", new OpenAiAdapter(OpenAiAdapter.Flavour.COMPATIBLE),
            "azure-openai", new OpenAiAdapter(OpenAiAdapter.Flavour.AZURE),
            "anthropic", new AnthropicAdapter(),
            "gemini", new GeminiAdapter());

    static final List<String> TYPES = List.of("openai", "anthropic", "azure-openai", "openai-compatible", "gemini");

    private Providers() {}
}
