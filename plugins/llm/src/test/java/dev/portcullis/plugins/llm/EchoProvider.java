package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An OpenAI-format provider whose answer names the question ({@code "Answer to: <last user
 * message>"}), so a test sees which question an answer belongs to and a wrong cache hit cannot
 * hide. Streams when asked (the answer in two deltas, then the usage chunk and {@code [DONE]}).
 * A question containing {@code [fail]} gets a 500; one containing {@code [tool]} a tool call.
 */
final class EchoProvider implements AutoCloseable {

    private final HttpServer server;
    final List<String> questions = new CopyOnWriteArrayList<>();

    EchoProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** How many chat calls reached the provider. */
    int calls() {
        return questions.size();
    }

    static String answerTo(String question) {
        return "Answer to: " + question;
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = MockProviders.JSON.readTree(ex.getRequestBody().readAllBytes());
            JsonNode messages = body.path("messages");
            String question = messages.get(messages.size() - 1).path("content").asText();
            questions.add(question);
            if (question.contains("[fail]")) {
                MockProviders.json(ex, 500, MockProviders.OPENAI_500);
                return;
            }
            if (question.contains("[tool]")) {
                MockProviders.json(ex, 200, MockProviders.OPENAI_TOOL);
                return;
            }
            String answer = answerTo(question);
            if (body.path("stream").asBoolean()) {
                stream(ex, answer);
            } else {
                ObjectNode r = MockProviders.JSON.createObjectNode();
                r.put("id", "chatcmpl-echo-" + questions.size()).put("object", "chat.completion").put("created", 1).put("model", "gpt-4o-mini");
                ObjectNode choice = r.putArray("choices").addObject();
                choice.put("index", 0).put("finish_reason", "stop");
                choice.putObject("message").put("role", "assistant").put("content", answer);
                r.putObject("usage").put("prompt_tokens", 7).put("completion_tokens", 5).put("total_tokens", 12);
                MockProviders.json(ex, 200, r.toString());
            }
        }
    }

    private void stream(HttpExchange ex, String answer) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        int half = answer.length() / 2;
        String id = "chatcmpl-echo-" + questions.size();
        for (String delta : List.of(answer.substring(0, half), answer.substring(half))) {
            ObjectNode chunk = chunk(id);
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0).putNull("finish_reason");
            choice.putObject("delta").put("content", delta);
            write(out, chunk.toString());
        }
        ObjectNode finish = chunk(id);
        finish.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
        write(out, finish.toString());
        ObjectNode usage = chunk(id);
        usage.putArray("choices");
        usage.putObject("usage").put("prompt_tokens", 7).put("completion_tokens", 5).put("total_tokens", 12);
        write(out, usage.toString());
        write(out, "[DONE]");
    }

    private static ObjectNode chunk(String id) {
        ObjectNode c = MockProviders.JSON.createObjectNode();
        c.put("id", id).put("object", "chat.completion.chunk").put("created", 1).put("model", "gpt-4o-mini");
        return c;
    }

    private static void write(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
