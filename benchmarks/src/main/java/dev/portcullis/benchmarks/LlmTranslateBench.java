package dev.portcullis.benchmarks;

import dev.portcullis.plugins.llm.LlmTranslation;
import dev.portcullis.spi.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The AI gate's wire translation, OpenAI client ↔ Anthropic provider, through the llm plugin's
 * own classes ({@code OpenAiClientFormat}, {@code AnthropicAdapter}, {@code AnthropicStreamDecoder},
 * {@code OpenAiStreamEncoder}, reached through {@link LlmTranslation}), the calls the {@code llm}
 * backend makes per request. No HTTP, no policies.
 * <ul>
 *   <li>{@link #request}: an OpenAI Chat Completions request ({@link #OPENAI_REQUEST}, 989 bytes:
 *       system prompt, three turns, one tool with a JSON schema, temperature, output limit) parsed
 *       to the canonical model, the alias swapped for the provider model, written as an Anthropic
 *       Messages request body.</li>
 *   <li>{@link #response}: an Anthropic Messages answer ({@link #ANTHROPIC_RESPONSE}, 874 bytes: one
 *       text block of ~600 characters, stop reason, usage with cache reads) parsed to the canonical
 *       response and written as an OpenAI chat completion answering the request above.</li>
 *   <li>{@link #streamEvent}: one Anthropic {@code content_block_delta} text event (already split
 *       into an {@link SseEvent}, as the plugin's SSE reader hands it over) decoded to a canonical
 *       text delta and encoded as one OpenAI {@code chat.completion.chunk}, in the steady state of
 *       a stream (its start already sent). Framing the event onto the socket is the kernel's and
 *       not included.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LlmTranslateBench -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LlmTranslateBench {

    /** The client's request: what an agent sends with the OpenAI SDK. */
    public static final String OPENAI_REQUEST = """
            {"model":"chat","temperature":0.2,"max_completion_tokens":512,"messages":[\
            {"role":"system","content":"You are the support assistant of an online shop. Answer briefly and politely. Use the order tool when the customer asks about an order; never reveal internal notes."},\
            {"role":"user","content":"Hello, I was charged twice for my renewal last month. Can you check order 48213?"},\
            {"role":"assistant","content":"Of course. I will look up order 48213 and the payments recorded for it."},\
            {"role":"user","content":"Thanks. Please also tell me when the refund will arrive and whether my subscription stays active."}],\
            "tools":[{"type":"function","function":{"name":"get_order","description":"Look up an order by its number, with payments and refunds",\
            "parameters":{"type":"object","properties":{"orderId":{"type":"integer","description":"the order number"},\
            "include":{"type":"array","items":{"type":"string","enum":["payments","refunds","items"]}}},"required":["orderId"]}}}],\
            "tool_choice":"auto"}""";

    /** The same request, streamed with usage: the client side of {@link #streamEvent}. */
    public static final String OPENAI_STREAM_REQUEST =
            OPENAI_REQUEST.substring(0, OPENAI_REQUEST.length() - 1) + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";

    /** The provider's answer, as the Anthropic Messages API sends it. */
    public static final String ANTHROPIC_RESPONSE = """
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-haiku-4-5",\
            "content":[{"type":"text","text":"I checked order 48213: the renewal was charged twice because the payment job ran again after a \
            timeout at the payment provider. The duplicate charge has been reversed today and will appear as a separate credit line on your \
            next statement, usually within five to ten business days depending on your bank. Your subscription stays active without \
            interruption, and nothing else is needed on your side. If the credit has not arrived after ten business days, reply here with \
            the ticket number CS-48213 and we will follow up with the payment provider directly."}],\
            "stop_reason":"end_turn","stop_sequence":null,\
            "usage":{"input_tokens":212,"cache_creation_input_tokens":0,"cache_read_input_tokens":128,"output_tokens":118,"service_tier":"standard"}}""";

    /** One text delta of an Anthropic stream. */
    public static final SseEvent ANTHROPIC_DELTA = SseEvent.of("content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" the duplicate charge has been reversed\"}}");

    private static final List<SseEvent> STREAM_START = List.of(
            SseEvent.of("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"claude-haiku-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":212,\"output_tokens\":1}}}"),
            SseEvent.of("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
            ANTHROPIC_DELTA);

    byte[] request;
    byte[] response;
    LlmTranslation translation;
    LlmTranslation.Stream stream;

    @Setup
    public void setUp() {
        request = OPENAI_REQUEST.getBytes(StandardCharsets.UTF_8);
        response = ANTHROPIC_RESPONSE.getBytes(StandardCharsets.UTF_8);
        translation = new LlmTranslation("claude-haiku-4-5", request, OPENAI_STREAM_REQUEST.getBytes(StandardCharsets.UTF_8));
        stream = translation.stream();
        for (SseEvent e : STREAM_START) {
            stream.translate(e);
        }
    }

    /** OpenAI request → canonical → Anthropic request body. */
    @Benchmark
    public byte[] request() {
        return translation.openAiRequestToAnthropic(request);
    }

    /** Anthropic answer → canonical → OpenAI answer body. */
    @Benchmark
    public byte[] response() {
        return translation.anthropicResponseToOpenAi(response);
    }

    /** One Anthropic text delta → canonical → one OpenAI chunk. */
    @Benchmark
    public List<SseEvent> streamEvent() {
        return stream.translate(ANTHROPIC_DELTA);
    }
}
