package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted, OpenAI-compatible model provider on loopback that answers like an agent's LLM (see
 * {@link DemoLlmScript} for the rules), so the demo's AI gate has a real provider to call without
 * a network or an API account. Not a model, not for production.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions} — streamed ({@code "stream": true}, with the usage chunk
 *       when {@code stream_options.include_usage}) or not</li>
 *   <li>{@code GET /v1/models} — the one configured model</li>
 * </ul>
 *
 * <p>Token usage is an estimate (characters ÷ 4), good enough for the gateway's token limits and
 * budgets to have numbers to count. Errors are OpenAI-format JSON.
 */
public final class DemoLlm implements AutoCloseable {

    private final HttpServer server;
    private final String model;
    private final byte[] apiKey;
    private final AtomicLong ids = new AtomicLong();

    DemoLlm(DemoLlmConfig config) {
        model = config.model();
        apiKey = config.apiKey() == null ? null : config.apiKey().getBytes(StandardCharsets.UTF_8);
        server = DemoHttp.bind(config.host(), config.port());
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/models", this::models);
        server.createContext("/health", ex -> DemoHttp.send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (apiKey == null) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (MessageDigest.isEqual(apiKey, given)) {
            return true;
        }
        error(ex, 401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.");
        return false;
    }

    private void models(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        ObjectNode list = DemoHttp.JSON.createObjectNode();
        list.put("object", "list");
        ObjectNode m = list.putArray("data").addObject();
        m.put("id", model);
        m.put("object", "model");
        m.put("created", 1_767_225_600L);
        m.put("owned_by", "portcullis-demo");
        DemoHttp.json(ex, 200, list);
    }

    private void chat(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            error(ex, 405, "invalid_request_error", null, "Use POST.");
            return;
        }
        if (!authorized(ex)) {
            return;
        }
        JsonNode request = DemoHttp.jsonBody(ex);
        if (request == null || !request.isObject()) {
            error(ex, 400, "invalid_request_error", null, "The body must be a JSON chat-completions request.");
            return;
        }
        if (!model.equals(request.path("model").asText(null))) {
            error(ex, 404, "invalid_request_error", "model_not_found",
                    "The model '" + request.path("model").asText("") + "' does not exist; this demo serves '" + model + "'.");
            return;
        }
        DemoLlmScript.Reply reply;
        try {
            reply = DemoLlmScript.answer(request);
        } catch (IllegalArgumentException e) {
            error(ex, 400, "invalid_request_error", null, e.getMessage());
            return;
        }
        String id = "chatcmpl-demo-" + ids.incrementAndGet();
        long created = System.currentTimeMillis() / 1000;
        ObjectNode usage = usage(request, reply);
        if (request.path("stream").asBoolean(false)) {
            stream(ex, id, created, reply, request.path("stream_options").path("include_usage").asBoolean(false) ? usage : null);
        } else {
            ObjectNode body = envelope(id, created, "chat.completion");
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (reply instanceof DemoLlmScript.Text t) {
                message.put("content", t.text());
                choice.put("finish_reason", "stop");
            } else if (reply instanceof DemoLlmScript.ToolCall c) {
                message.putNull("content");
                ObjectNode call = message.putArray("tool_calls").addObject();
                call.put("id", c.id());
                call.put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments().toString());
                choice.put("finish_reason", "tool_calls");
            }
            body.set("usage", usage);
            DemoHttp.json(ex, 200, body);
        }
    }

    /** Writes the reply as OpenAI chunks, one server-sent event each, flushed as it goes. */
    private void stream(HttpExchange ex, String id, long created, DemoLlmScript.Reply reply, ObjectNode usage) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            ObjectNode first = chunk(id, created);
            first.withArrayProperty("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", "");
            event(out, first);
            String finish;
            if (reply instanceof DemoLlmScript.Text t) {
                for (String piece : pieces(t.text())) {
                    ObjectNode c = chunk(id, created);
                    c.withArrayProperty("choices").addObject().put("index", 0).putNull("finish_reason")
                            .putObject("delta").put("content", piece);
                    event(out, c);
                }
                finish = "stop";
            } else {
                DemoLlmScript.ToolCall call = (DemoLlmScript.ToolCall) reply;
                ObjectNode start = chunk(id, created);
                ObjectNode tc = start.withArrayProperty("choices").addObject().put("index", 0).putNull("finish_reason")
                        .putObject("delta").putArray("tool_calls").addObject();
                tc.put("index", 0).put("id", call.id()).put("type", "function");
                tc.putObject("function").put("name", call.name()).put("arguments", "");
                event(out, start);
                String args = call.arguments().toString();
                int half = args.length() / 2;
                for (String part : List.of(args.substring(0, half), args.substring(half))) {
                    ObjectNode c = chunk(id, created);
                    c.withArrayProperty("choices").addObject().put("index", 0).putNull("finish_reason")
                            .putObject("delta").putArray("tool_calls").addObject().put("index", 0)
                            .putObject("function").put("arguments", part);
                    event(out, c);
                }
                finish = "tool_calls";
            }
            ObjectNode end = chunk(id, created);
            end.withArrayProperty("choices").addObject().put("index", 0).put("finish_reason", finish).putObject("delta");
            event(out, end);
            if (usage != null) {
                ObjectNode u = chunk(id, created);
                u.putArray("choices");
                u.set("usage", usage);
                event(out, u);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException clientGone) {
            // the caller went away mid-stream; nothing to clean up
        }
    }

    private ObjectNode envelope(String id, long created, String object) {
        ObjectNode n = DemoHttp.JSON.createObjectNode();
        n.put("id", id);
        n.put("object", object);
        n.put("created", created);
        n.put("model", model);
        return n;
    }

    private ObjectNode chunk(String id, long created) {
        ObjectNode c = envelope(id, created, "chat.completion.chunk");
        c.putArray("choices");
        return c;
    }

    private static void event(OutputStream out, ObjectNode data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The text in pieces of a few words, as a model would stream it. */
    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        String[] words = text.split("(?<= )");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            sb.append(words[i]);
            if ((i + 1) % 4 == 0) {
                pieces.add(sb.toString());
                sb.setLength(0);
            }
        }
        if (!sb.isEmpty()) {
            pieces.add(sb.toString());
        }
        return pieces;
    }

    /** Estimated usage: characters ÷ 4, rounded up, plus a little per message. */
    private static ObjectNode usage(JsonNode request, DemoLlmScript.Reply reply) {
        long promptChars = 0;
        int messages = 0;
        for (JsonNode m : request.path("messages")) {
            messages++;
            promptChars += DemoLlmScript.text(m.get("content")).length();
            for (JsonNode call : m.path("tool_calls")) {
                promptChars += call.path("function").path("arguments").asText("").length();
            }
        }
        long outChars = reply instanceof DemoLlmScript.Text t ? t.text().length()
                : ((DemoLlmScript.ToolCall) reply).name().length() + ((DemoLlmScript.ToolCall) reply).arguments().toString().length();
        long prompt = (promptChars + 3) / 4 + 3L * messages;
        long completion = (outChars + 3) / 4 + 1;
        ObjectNode u = DemoHttp.JSON.createObjectNode();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    private static void error(HttpExchange ex, int status, String type, String code, String message) throws IOException {
        ObjectNode e = DemoHttp.JSON.createObjectNode();
        ObjectNode err = e.putObject("error");
        err.put("message", message);
        err.put("type", type);
        err.putNull("param");
        if (code == null) {
            err.putNull("code");
        } else {
            err.put("code", code);
        }
        DemoHttp.json(ex, status, e);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
