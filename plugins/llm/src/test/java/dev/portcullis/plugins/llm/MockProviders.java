package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * Mock OpenAI and Anthropic providers on a real HTTP server, speaking their exact wire formats
 * (the JSON below is the shape the real APIs send). Behaviour by base path:
 * {@code /openai/ok}, {@code /openai/down} (503 + Retry-After), {@code /openai/slow} (a long,
 * slow stream that notes when its reader went away), {@code /anthropic/ok},
 * {@code /anthropic/down}, {@code /anthropic/error} (an {@code error} event mid-stream), {@code /anthropic/early-error} (an
 * {@code error} event right after {@code message_start}).
 * Answers with a tool call when the request offers tools and its last message is not a tool
 * result; with text otherwise.
 */
final class MockProviders implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A request as a provider received it, and when ({@link System#nanoTime()}). */
    record Received(String path, String query, com.sun.net.httpserver.Headers headers, JsonNode body, long nanos) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    final CountDownLatch slowStreamAbandoned = new CountDownLatch(1);
    private final HttpServer server;

    MockProviders() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/openai/ok/", ex -> handle(ex, this::openAiOk));
        server.createContext("/openai/down/", ex -> handle(ex, e -> down(e, OPENAI_503)));
        server.createContext("/openai/slow/", ex -> handle(ex, this::openAiSlow));
        server.createContext("/openai/stall/", ex -> handle(ex, this::openAiStall));
        server.createContext("/openai/fail/", ex -> handle(ex, e -> json(e.ex, 500, OPENAI_500)));
        server.createContext("/openai/unauthorized/", ex -> handle(ex, e -> json(e.ex, 401, OPENAI_401)));
        server.createContext("/openai/bad-request/", ex -> handle(ex, e -> json(e.ex, 400, OPENAI_400)));
        server.createContext("/openai/late/", ex -> handle(ex, e -> {
            sleep(1000);
            openAiOk(e);
        }));
        server.createContext("/openai/sluggish/", ex -> handle(ex, e -> {
            sleep(80);
            openAiOk(e);
        }));
        server.createContext("/azure/", ex -> handle(ex, this::azure));
        server.createContext("/gemini/ok/", ex -> handle(ex, e -> gemini(e, GeminiMode.OK)));
        server.createContext("/gemini/error/", ex -> handle(ex, e -> gemini(e, GeminiMode.ERROR_EVENT)));
        server.createContext("/gemini/truncated/", ex -> handle(ex, e -> gemini(e, GeminiMode.TRUNCATED)));
        server.createContext("/gemini/down/", ex -> handle(ex, e -> json(e.ex, 503, GEMINI_503)));
        server.createContext("/gemini/bad-request/", ex -> handle(ex, e -> json(e.ex, 400, GEMINI_400)));
        server.createContext("/anthropic/ok/", ex -> handle(ex, this::anthropicOk));
        server.createContext("/anthropic/down/", ex -> handle(ex, e -> down(e, ANTHROPIC_503)));
        server.createContext("/anthropic/error/", ex -> handle(ex, this::anthropicMidStreamError));
        server.createContext("/anthropic/early-error/", ex -> handle(ex, e -> sse(e.ex, List.of(
                frames(ANTHROPIC_TEXT_STREAM.subList(0, 1)).get(0), "event: error\ndata: " + ANTHROPIC_503 + "\n\n"), 0)));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received(String pathPrefix) {
        return received.stream().filter(r -> r.path.startsWith(pathPrefix)).toList();
    }

    Received last(String pathPrefix) {
        List<Received> r = received(pathPrefix);
        return r.get(r.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private interface Handler {
        void handle(Call call) throws IOException;
    }

    /** One provider call: the exchange and its parsed body. */
    record Call(HttpExchange ex, JsonNode body) {
        boolean stream() {
            return body.path("stream").asBoolean(false);
        }

        /** Tools offered and the conversation does not end with a tool result. */
        boolean wantsToolCall() {
            if (!body.has("tools")) {
                return false;
            }
            JsonNode msgs = body.path("messages");
            JsonNode last = msgs.get(msgs.size() - 1);
            if ("tool".equals(last.path("role").asText())) {
                return false;
            }
            for (JsonNode b : last.path("content")) {
                if ("tool_result".equals(b.path("type").asText())) {
                    return false;
                }
            }
            return true;
        }
    }

    private void handle(HttpExchange ex, Handler h) throws IOException {
        try (ex) {
            byte[] bytes = ex.getRequestBody().readAllBytes();
            JsonNode body = JSON.readTree(bytes);
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestURI().getQuery(), ex.getRequestHeaders(), body, System.nanoTime()));
            h.handle(new Call(ex, body));
        }
    }

    // ---- OpenAI ---------------------------------------------------------------------------

    static final String OPENAI_TEXT = """
            {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,\
            "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Hello! How can I assist you today?","refusal":null,"annotations":[]},"logprobs":null,\
            "finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,\
            "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":\
            {"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
            "service_tier":"default","system_fingerprint":"fp_06737a9306"}""";

    static final String OPENAI_TOOL = """
            {"id":"chatcmpl-abc123","object":"chat.completion","created":1699896916,"model":"gpt-4o-mini-2024-07-18",\
            "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123",\
            "type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}],\
            "refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,\
            "completion_tokens":17,"total_tokens":99,"prompt_tokens_details":{"cached_tokens":64},\
            "completion_tokens_details":{"reasoning_tokens":0}}}""";

    static final List<String> OPENAI_TEXT_STREAM = List.of(
            "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" from OpenAI\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25,\"prompt_tokens_details\":{\"cached_tokens\":16,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":2,\"audio_tokens\":0}}}",
            "[DONE]");

    /** Two parallel tool calls, arguments split across chunks, as OpenAI streams them. */
    static final List<String> OPENAI_TOOL_STREAM = List.of(
            "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_DdmO9\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\"\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\": \\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_Xy12\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\": \\\"CET\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":null}",
            "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":30,\"total_tokens\":110,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
            "[DONE]");

    static final String OPENAI_500 = "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";

    static final String OPENAI_401 = "{\"error\":{\"message\":\"Incorrect API key provided: sk-prov*****1234. You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";

    static final String OPENAI_400 = "{\"error\":{\"message\":\"Invalid value for 'temperature': must be between 0 and 2.\",\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}";

    static final String OPENAI_503 = "{\"error\":{\"message\":\"The server is overloaded or not ready yet.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";

    /** The embedding every input gets: [0.25, -0.5, 1.0]. */
    static final float[] EMBEDDING = {0.25f, -0.5f, 1.0f};

    private static String embeddings(Call c) {
        String vector;
        if ("base64".equals(c.body.path("encoding_format").asText())) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(EMBEDDING.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float f : EMBEDDING) {
                b.putFloat(f);
            }
            vector = "\"" + java.util.Base64.getEncoder().encodeToString(b.array()) + "\"";
        } else {
            vector = "[0.25,-0.5,1.0]";
        }
        return "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + vector
                + "}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}";
    }

    private void openAiOk(Call c) throws IOException {
        if (c.ex.getRequestURI().getPath().endsWith("/embeddings")) {
            json(c.ex, 200, embeddings(c));
            return;
        }
        if (c.stream()) {
            sse(c.ex, (c.wantsToolCall() ? OPENAI_TOOL_STREAM : OPENAI_TEXT_STREAM).stream().map(d -> "data: " + d + "\n\n").toList(), 0);
        } else {
            json(c.ex, 200, c.wantsToolCall() ? OPENAI_TOOL : OPENAI_TEXT);
        }
    }

    /** Azure OpenAI: the deployment in the path, api-version in the query, the key in api-key. */
    private void azure(Call c) throws IOException {
        String query = c.ex.getRequestURI().getQuery();
        if (!c.ex.getRequestURI().getPath().matches("/azure/openai/deployments/[^/]+/(chat/completions|embeddings)")
                || query == null || !query.startsWith("api-version=")) {
            json(c.ex, 404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
        } else if (c.ex.getRequestHeaders().getFirst("api-key") == null) {
            json(c.ex, 401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key.\"}}");
        } else {
            openAiOk(c);
        }
    }

    private void openAiSlow(Call c) throws IOException {
        c.ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        c.ex.sendResponseHeaders(200, 0);
        OutputStream out = c.ex.getResponseBody();
        try {
            write(out, "data: " + OPENAI_TEXT_STREAM.get(0) + "\n\n");
            for (int i = 0; i < 400; i++) {
                sleep(25);
                write(out, "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n");
            }
        } catch (IOException gone) {
            slowStreamAbandoned.countDown();
        }
    }

    /** Starts a stream, then falls silent for 5 s. */
    private void openAiStall(Call c) throws IOException {
        c.ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        c.ex.sendResponseHeaders(200, 0);
        OutputStream out = c.ex.getResponseBody();
        write(out, "data: " + OPENAI_TEXT_STREAM.get(0) + "\n\n");
        write(out, "data: " + OPENAI_TEXT_STREAM.get(1) + "\n\n");
        sleep(5000);
    }

    // ---- Anthropic ------------------------------------------------------------------------

    static final String ANTHROPIC_TEXT = """
            {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",\
            "content":[{"type":"text","text":"Hi! My name is Claude."}],"stop_reason":"end_turn","stop_sequence":null,\
            "usage":{"input_tokens":2095,"cache_creation_input_tokens":0,"cache_read_input_tokens":1000,"output_tokens":503,\
            "service_tier":"standard"}}""";

    static final String ANTHROPIC_TOOL = """
            {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",\
            "content":[{"type":"text","text":"I'll check the weather."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9",\
            "name":"get_weather","input":{"location":"Paris"}}],"stop_reason":"tool_use","stop_sequence":null,\
            "usage":{"input_tokens":384,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":64}}""";

    static final List<String[]> ANTHROPIC_TEXT_STREAM = List.of(
            ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-haiku-4-5-20251001\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}"),
            ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
            ev("ping", "{\"type\": \"ping\"}"),
            ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"),
            ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" from Claude\"}}"),
            ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
            ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}"),
            ev("message_stop", "{\"type\":\"message_stop\"}"));

    static final List<String[]> ANTHROPIC_TOOL_STREAM = List.of(
            ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}"),
            ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
            ev("ping", "{\"type\": \"ping\"}"),
            ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check.\"}}"),
            ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
            ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\",\"name\":\"get_weather\",\"input\":{}}}"),
            ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}"),
            ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\"}}"),
            ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"Paris\\\"}\"}}"),
            ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
            ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}"),
            ev("message_stop", "{\"type\":\"message_stop\"}"));

    static final String ANTHROPIC_503 = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

    static String[] ev(String name, String data) {
        return new String[] {name, data};
    }

    static List<String> frames(List<String[]> events) {
        return events.stream().map(e -> "event: " + e[0] + "\ndata: " + e[1] + "\n\n").toList();
    }

    private void anthropicOk(Call c) throws IOException {
        if (c.stream()) {
            sse(c.ex, frames(c.wantsToolCall() ? ANTHROPIC_TOOL_STREAM : ANTHROPIC_TEXT_STREAM), 0);
        } else {
            json(c.ex, 200, c.wantsToolCall() ? ANTHROPIC_TOOL : ANTHROPIC_TEXT);
        }
    }

    private void anthropicMidStreamError(Call c) throws IOException {
        List<String> frames = new java.util.ArrayList<>(frames(ANTHROPIC_TEXT_STREAM.subList(0, 4)));
        frames.add("event: error\ndata: " + ANTHROPIC_503 + "\n\n");
        sse(c.ex, frames, 0);
    }

    // ---- Gemini ---------------------------------------------------------------------------

    static final String GEMINI_TEXT = """
            {"candidates":[{"content":{"parts":[{"text":"Hello from Gemini."}],"role":"model"},"finishReason":"STOP",\
            "avgLogprobs":-0.0412,"index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":5,\
            "totalTokenCount":40,"cachedContentTokenCount":8,"promptTokensDetails":[{"modality":"TEXT","tokenCount":12}],\
            "thoughtsTokenCount":23},"modelVersion":"gemini-2.5-flash","responseId":"mZcwaO3dJ8OJ1dkP8bWvqA4"}""";

    /** The signature Gemini attaches to a function call; the follow-up turn must carry it back. */
    static final String GEMINI_SIGNATURE = "CiQB0e2Kb1+gd0Rv3EwT9mzyHk0fYwWlQZQj1w==";

    static final String GEMINI_TOOL = """
            {"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}},\
            "thoughtSignature":"%s"}],"role":"model"},"finishReason":"STOP","index":0}],\
            "usageMetadata":{"promptTokenCount":60,"candidatesTokenCount":15,"totalTokenCount":95,"thoughtsTokenCount":20},\
            "modelVersion":"gemini-2.5-flash","responseId":"tool-resp-1"}""".formatted(GEMINI_SIGNATURE);

    static final List<String> GEMINI_TEXT_STREAM = List.of(
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,\"totalTokenCount\":12,\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":12}]},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"stream-1\"}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" from Gemini\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,\"totalTokenCount\":12},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"stream-1\"}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":4,\"totalTokenCount\":30,\"cachedContentTokenCount\":8,\"thoughtsTokenCount\":14},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"stream-1\"}");

    /** Text, then two parallel calls in one chunk (only the first signed), as Gemini streams them. */
    static final List<String> GEMINI_TOOL_STREAM = List.of(
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me check.\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":70,\"totalTokenCount\":70},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"stream-t\"}",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"location\":\"Paris\"}},\"thoughtSignature\":\"" + GEMINI_SIGNATURE + "\"},{\"functionCall\":{\"name\":\"get_time\",\"args\":{\"tz\":\"CET\"}}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":70,\"candidatesTokenCount\":25,\"totalTokenCount\":95},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"stream-t\"}");

    static final String GEMINI_503 = "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}";

    static final String GEMINI_400 = "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest.generation_config.temperature: must be between 0 and 2\",\"status\":\"INVALID_ARGUMENT\"}}";

    private enum GeminiMode { OK, ERROR_EVENT, TRUNCATED }

    /** Gemini: {@code /v1beta/models/{model}:generateContent} or {@code :streamGenerateContent?alt=sse}, key in x-goog-api-key. */
    private void gemini(Call c, GeminiMode mode) throws IOException {
        String path = c.ex.getRequestURI().getPath();
        boolean stream = path.endsWith(":streamGenerateContent");
        if (!path.matches(".*/v1beta/models/[^/:]+:(generateContent|streamGenerateContent)")
                || (stream && !"alt=sse".equals(c.ex.getRequestURI().getQuery()))) {
            json(c.ex, 404, "{\"error\":{\"code\":404,\"message\":\"Not found\",\"status\":\"NOT_FOUND\"}}");
            return;
        }
        if (c.ex.getRequestHeaders().getFirst("x-goog-api-key") == null) {
            json(c.ex, 403, "{\"error\":{\"code\":403,\"message\":\"Method doesn't allow unregistered callers.\",\"status\":\"PERMISSION_DENIED\"}}");
            return;
        }
        boolean tools = c.body.has("tools") && !lastTurnAnswersACall(c.body);
        if (!stream) {
            json(c.ex, 200, tools ? GEMINI_TOOL : GEMINI_TEXT);
            return;
        }
        List<String> chunks = tools ? GEMINI_TOOL_STREAM : GEMINI_TEXT_STREAM;
        List<String> frames = new java.util.ArrayList<>();
        switch (mode) {
            case OK -> chunks.forEach(d -> frames.add("data: " + d + "\r\n\r\n"));
            case ERROR_EVENT -> {
                frames.add("data: " + chunks.get(0) + "\r\n\r\n");
                frames.add("data: " + GEMINI_503 + "\r\n\r\n");
            }
            case TRUNCATED -> frames.add("data: " + chunks.get(0) + "\r\n\r\n");
        }
        sse(c.ex, frames, 0);
    }

    private static boolean lastTurnAnswersACall(JsonNode body) {
        JsonNode contents = body.path("contents");
        for (JsonNode part : contents.get(contents.size() - 1).path("parts")) {
            if (part.has("functionResponse")) {
                return true;
            }
        }
        return false;
    }

    // ---- plumbing -------------------------------------------------------------------------

    private static void down(Call c, String body) throws IOException {
        c.ex.getResponseHeaders().set("Retry-After", "1");
        json(c.ex, 503, body);
    }

    static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sse(HttpExchange ex, List<String> frames, long pauseMillis) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (String f : frames) {
            write(out, f);
            sleep(pauseMillis);
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
