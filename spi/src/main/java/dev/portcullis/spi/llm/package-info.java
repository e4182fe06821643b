/**
 * The canonical chat model of the AI gate and the {@link dev.portcullis.spi.llm.ProviderAdapter}
 * extension point. Every client wire format (OpenAI Chat Completions, Anthropic Messages) is read
 * into this model and every provider's answer is read back into it, so policies see one shape
 * whatever the client and provider speak.
 *
 * <p>Token counts follow one convention everywhere (see {@link dev.portcullis.spi.llm.Usage}).
 */
package dev.portcullis.spi.llm;
