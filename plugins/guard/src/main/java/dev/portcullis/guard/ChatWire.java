package dev.portcullis.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.BodyTooLargeException;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import java.io.IOException;

/**
 * The two chat wire formats the guards read: OpenAI Chat Completions and Anthropic Messages,
 * told apart by the request path. Also renders errors the way each client expects them.
 */
enum ChatWire {
    /** {@code POST …/chat/completions}. */
    OPENAI,
    /** {@code POST …/messages}. */
    ANTHROPIC;

    static final ObjectMapper JSON = new ObjectMapper();

    /** The wire of a request path, or null if the path is not a chat call. */
    static ChatWire of(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.endsWith("/chat/completions")) {
            return OPENAI;
        }
        if (p.endsWith("/messages")) {
            return ANTHROPIC;
        }
        return null;
    }

    /** A chat request body as a guard reads it: its JSON, or the answer that refuses it. */
    record RequestBody(JsonNode json, Verdict refusal) {}

    /**
     * Reads the request body of {@code exchange} as JSON, at most {@code maxBody} bytes. An empty body
     * gives neither JSON nor refusal (nothing to guard); one too large, not JSON or unreadable gives
     * a refusal in this wire's format, naming {@code guard} in the 413.
     */
    RequestBody readRequest(Exchange exchange, long maxBody, String guard) {
        try {
            byte[] bytes = exchange.request().body().bytes(maxBody);
            return new RequestBody(bytes.length == 0 ? null : JSON.readTree(bytes), null);
        } catch (BodyTooLargeException e) {
            return refused(error(413, "request_too_large",
                    "The request body is larger than the " + guard + " accepts (" + maxBody + " bytes)."));
        } catch (JsonProcessingException e) {
            return refused(error(400, "invalid_json", "The request body is not valid JSON."));
        } catch (IOException e) {
            return refused(error(400, "invalid_request", "The request body could not be read."));
        }
    }

    private static RequestBody refused(Response answer) {
        return new RequestBody(null, Verdict.respond(answer));
    }

    /**
     * An error in this wire's format: OpenAI {@code {"error":{"message","type","code"}}}, Anthropic
     * {@code {"type":"error","error":{"type","message"}}}.
     *
     * @param status  the HTTP status
     * @param code    a stable machine-readable code (OpenAI's {@code code}), e.g. {@code prompt_injection_detected}
     * @param message for humans; never the prompt text
     */
    Response error(int status, String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        String type = status == 413 ? (this == ANTHROPIC ? "request_too_large" : "invalid_request_error") : "invalid_request_error";
        if (this == OPENAI) {
            ObjectNode e = root.putObject("error");
            e.put("message", message);
            e.put("type", type);
            e.putNull("param");
            e.put("code", code);
        } else {
            root.put("type", "error");
            ObjectNode e = root.putObject("error");
            e.put("type", type);
            e.put("message", message);
        }
        return Response.of(status, "application/json", Body.of(root.toString()));
    }
}
