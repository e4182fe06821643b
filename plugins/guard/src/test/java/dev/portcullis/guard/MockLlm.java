package dev.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * OpenAI ({@code /openai/v1/chat/completions}) and Anthropic ({@code /anthropic/v1/messages})
 * providers on a real HTTP server, in their wire formats. The answer is {@link #answer} with
 * {@code {last}} replaced by the text of the last user message as received; streams send it in
 * the pieces of {@link #chunks} when set, else in one piece.
 */
final class MockLlm implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    volatile String answer = "Hello! How can I help?";
    volatile List<String> chunks;
    private final HttpServer server;

    MockLlm() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/openai/", ex -> handle(ex, true));
        server.createContext("/anthropic/", ex -> handle(ex, false));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    JsonNode last() {
        return received.get(received.size() - 1);
    }

    private void handle(HttpExchange ex, boolean openAi) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            received.add(body);
            String text = answer.replace("{last}", lastUserText(body));
            List<String> pieces = chunks != null ? chunks : List.of(text);
            if (body.path("stream").asBoolean(false)) {
                stream(ex, openAi ? openAiStream(pieces) : anthropicStream(pieces));
            } else {
                byte[] out = (openAi ? openAiAnswer(text) : anthropicAnswer(text)).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, out.length);
                ex.getResponseBody().write(out);
            }
        }
    }

    static String lastUserText(JsonNode body) {
        JsonNode msgs = body.path("messages");
        for (int i = msgs.size() - 1; i >= 0; i--) {
            JsonNode m = msgs.get(i);
            if (!"user".equals(m.path("role").asText())) {
                continue;
            }
            JsonNode c = m.path("content");
            if (c.isTextual()) {
                return c.asText();
            }
            StringBuilder sb = new StringBuilder();
            for (JsonNode b : c) {
                sb.append(b.path("text").asText(""));
            }
            return sb.toString();
        }
        return "";
    }

    private static String openAiAnswer(String text) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-guard1").put("object", "chat.completion").put("created", 1741569952).put("model", "gpt-4o-mini-2024-07-18");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        root.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", 9).put("total_tokens", 21);
        return root.toString();
    }

    private static String anthropicAnswer(String text) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "msg_guard1").put("type", "message").put("role", "assistant").put("model", "claude-haiku-4-5-20251001");
        root.putArray("content").addObject().put("type", "text").put("text", text);
        root.put("stop_reason", "end_turn").putNull("stop_sequence");
        root.putObject("usage").put("input_tokens", 12).put("output_tokens", 9);
        return root.toString();
    }

    private static List<String> openAiStream(List<String> pieces) {
        List<String> frames = new ArrayList<>();
        String head = "{\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",";
        frames.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        for (String p : pieces) {
            ObjectNode chunk = (ObjectNode) readTree(head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":null}]}");
            ((ObjectNode) chunk.get("choices").get(0).get("delta")).put("content", p);
            frames.add("data: " + chunk + "\n\n");
        }
        frames.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
        frames.add("data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}\n\n");
        frames.add("data: [DONE]\n\n");
        return frames;
    }

    private static List<String> anthropicStream(List<String> pieces) {
        List<String> frames = new ArrayList<>();
        frames.add(ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_s1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-haiku-4-5-20251001\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}"));
        frames.add(ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (String p : pieces) {
            ObjectNode e = (ObjectNode) readTree("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}");
            ((ObjectNode) e.get("delta")).put("text", p);
            frames.add(ev("content_block_delta", e.toString()));
        }
        frames.add(ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        frames.add(ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}"));
        frames.add(ev("message_stop", "{\"type\":\"message_stop\"}"));
        return frames;
    }

    private static String ev(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stream(HttpExchange ex, List<String> frames) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (String f : frames) {
            out.write(f.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
