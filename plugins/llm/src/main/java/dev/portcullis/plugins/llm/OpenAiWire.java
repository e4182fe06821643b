package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.Role;
import dev.portcullis.spi.llm.ToolChoice;
import dev.portcullis.spi.llm.ToolDefinition;
import dev.portcullis.spi.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** OpenAI Chat Completions JSON, both directions: requests, responses, usage and errors. */
final class OpenAiWire {

    /**
     * Fields read into the canonical model, or deliberately not forwarded: {@code n} (one choice is
     * translated), the legacy {@code functions} API. Everything else travels to OpenAI-format
     * providers as it came ({@code response_format}, {@code seed}, {@code user}, ...).
     */
    private static final Set<String> KNOWN = Set.of("model", "messages", "tools", "tool_choice",
            "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream", "stream_options",
            "n", "functions", "function_call");

    private OpenAiWire() {}

    // ---- requests -------------------------------------------------------------------------

    static ChatRequest readRequest(JsonNode root) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        String model = Json.required(root, "model").asText();
        JsonNode msgs = Json.required(root, "messages");
        if (!msgs.isArray()) {
            throw new IllegalArgumentException("'messages' must be an array");
        }
        if (root.path("n").asInt(1) != 1) {
            throw new IllegalArgumentException("'n' other than 1 is not supported");
        }
        StringBuilder system = null;
        List<Message> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String role = Json.text(m, "role");
            if (role == null) {
                throw new IllegalArgumentException("messages[" + i + "].role is required");
            }
            switch (role) {
                case "system", "developer" -> {
                    system = system == null ? new StringBuilder() : system.append("\n\n");
                    system.append(textOf(m.get("content")));
                }
                case "user" -> messages.add(new Message(Role.USER, userParts(m.get("content"), i)));
                case "assistant" -> messages.add(new Message(Role.ASSISTANT, assistantParts(m)));
                case "tool" -> messages.add(new Message(Role.TOOL, List.of(new ContentPart.ToolResult(
                        Json.text(m, "tool_call_id"), textOf(m.get("content")), false))));
                default -> throw new IllegalArgumentException("messages[" + i + "].role '" + role + "' is not supported");
            }
        }
        List<ToolDefinition> tools = new ArrayList<>();
        JsonNode t = root.get("tools");
        if (t != null && t.isArray()) {
            for (JsonNode tool : t) {
                JsonNode fn = tool.get("function");
                if (fn == null) {
                    throw new IllegalArgumentException("only function tools are supported");
                }
                tools.add(new ToolDefinition(Json.required(fn, "name").asText(), Json.text(fn, "description"), Json.raw(fn.get("parameters"))));
            }
        }
        Integer maxTokens = Json.intOrNull(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = Json.intOrNull(root, "max_tokens");
        }
        List<String> stop = new ArrayList<>();
        JsonNode s = root.get("stop");
        if (s != null && s.isTextual()) {
            stop.add(s.asText());
        } else if (s != null && s.isArray()) {
            s.forEach(x -> stop.add(x.asText()));
        }
        JsonNode stream = root.get("stream");
        return new ChatRequest(model, system == null ? null : system.toString(), messages, tools,
                toolChoice(root.get("tool_choice")), maxTokens, Json.doubleOrNull(root, "temperature"),
                Json.doubleOrNull(root, "top_p"), stop, stream != null && stream.asBoolean(), Json.extras(root, KNOWN, "openai"));
    }

    static boolean includeUsage(JsonNode root) {
        JsonNode o = root.get("stream_options");
        return o != null && o.path("include_usage").asBoolean(false);
    }

    private static ToolChoice toolChoice(JsonNode c) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "none" -> new ToolChoice(ToolChoice.Mode.NONE, null);
                case "required" -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
                default -> ToolChoice.AUTO;
            };
        }
        String name = c.path("function").path("name").asText(null);
        if (name == null) {
            throw new IllegalArgumentException("tool_choice.function.name is required");
        }
        return new ToolChoice(ToolChoice.Mode.TOOL, name);
    }

    /** Text of a content that is a string or an array of text parts. */
    static String textOf(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : content) {
            if (p.has("text")) {
                sb.append(p.get("text").asText());
            }
        }
        return sb.toString();
    }

    private static List<ContentPart> userParts(JsonNode content, int i) {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isTextual()) {
            return List.of(new ContentPart.Text(content.asText()));
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (JsonNode p : content) {
            String type = Json.text(p, "type");
            if ("text".equals(type)) {
                parts.add(new ContentPart.Text(p.path("text").asText()));
            } else if ("image_url".equals(type)) {
                JsonNode img = p.get("image_url");
                String url = img == null ? null : img.isTextual() ? img.asText() : Json.text(img, "url");
                if (url == null) {
                    throw new IllegalArgumentException("messages[" + i + "]: image_url.url is required");
                }
                parts.add(new ContentPart.Image(url, img.isObject() ? Json.text(img, "detail") : null));
            } else {
                throw new IllegalArgumentException("messages[" + i + "]: content part type '" + type + "' is not supported");
            }
        }
        return parts;
    }

    private static List<ContentPart> assistantParts(JsonNode m) {
        List<ContentPart> parts = new ArrayList<>(2);
        String text = textOf(m.get("content"));
        if (!text.isEmpty()) {
            parts.add(new ContentPart.Text(text));
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (JsonNode c : calls) {
                JsonNode fn = c.path("function");
                parts.add(new ContentPart.ToolCall(Json.text(c, "id"), fn.path("name").asText(), fn.path("arguments").asText("{}")));
            }
        }
        return parts;
    }

    /** The provider request body; {@code maxTokensField} is {@code max_completion_tokens} or {@code max_tokens}. */
    static ObjectNode writeRequest(ChatRequest r, String maxTokensField) {
        ObjectNode root = Json.object();
        root.put("model", r.model());
        ArrayNode msgs = root.putArray("messages");
        if (r.system() != null) {
            msgs.addObject().put("role", "system").put("content", r.system());
        }
        for (Message m : r.messages()) {
            switch (m.role()) {
                case USER -> writeUser(msgs, m);
                case ASSISTANT -> writeAssistant(msgs, m);
                case TOOL -> {
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.ToolResult tr) {
                            msgs.addObject().put("role", "tool").put("tool_call_id", tr.toolCallId()).put("content", tr.content());
                        }
                    }
                }
            }
        }
        if (!r.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            for (ToolDefinition t : r.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", t.name());
                if (t.description() != null) {
                    fn.put("description", t.description());
                }
                fn.set("parameters", Json.parse(t.parameters()));
            }
        }
        if (r.toolChoice() != null) {
            switch (r.toolChoice().mode()) {
                case AUTO -> root.put("tool_choice", "auto");
                case NONE -> root.put("tool_choice", "none");
                case REQUIRED -> root.put("tool_choice", "required");
                case TOOL -> root.putObject("tool_choice").put("type", "function").putObject("function").put("name", r.toolChoice().name());
            }
        }
        if (r.maxTokens() != null) {
            root.put(maxTokensField, r.maxTokens());
        }
        if (r.temperature() != null) {
            root.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            root.put("top_p", r.topP());
        }
        if (!r.stop().isEmpty()) {
            ArrayNode stop = root.putArray("stop");
            r.stop().forEach(stop::add);
        }
        Json.addExtras(root, r.extras(), "openai");
        if (r.stream()) {
            root.put("stream", true);
            // always ask for usage: token accounting needs it even when the client did not
            root.putObject("stream_options").put("include_usage", true);
        }
        return root;
    }

    private static void writeUser(ArrayNode msgs, Message m) {
        ObjectNode o = msgs.addObject().put("role", "user");
        if (m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) {
            o.put("content", t.text());
            return;
        }
        ArrayNode parts = o.putArray("content");
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Text t) {
                parts.addObject().put("type", "text").put("text", t.text());
            } else if (p instanceof ContentPart.Image img) {
                ObjectNode iu = parts.addObject().put("type", "image_url").putObject("image_url").put("url", img.url());
                if (img.detail() != null) {
                    iu.put("detail", img.detail());
                }
            }
        }
    }

    private static void writeAssistant(ArrayNode msgs, Message m) {
        ObjectNode o = msgs.addObject().put("role", "assistant");
        String text = m.text();
        ArrayNode calls = null;
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.ToolCall c) {
                if (calls == null) {
                    calls = o.putArray("tool_calls");
                }
                ObjectNode fn = calls.addObject().put("id", c.id()).put("type", "function").putObject("function");
                fn.put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (text.isEmpty() && calls != null) {
            o.putNull("content");
        } else {
            o.put("content", text);
        }
    }

    // ---- responses ------------------------------------------------------------------------

    static ChatResponse readResponse(JsonNode root) {
        JsonNode choice = root.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new IllegalArgumentException("the provider's answer has no choices");
        }
        JsonNode msg = choice.path("message");
        List<ContentPart> parts = new ArrayList<>(2);
        String text = Json.text(msg, "content");
        if (text != null && !text.isEmpty()) {
            parts.add(new ContentPart.Text(text));
        }
        for (JsonNode c : msg.path("tool_calls")) {
            JsonNode fn = c.path("function");
            parts.add(new ContentPart.ToolCall(Json.text(c, "id"), fn.path("name").asText(), fn.path("arguments").asText("{}")));
        }
        return new ChatResponse(Json.text(root, "id"), Json.text(root, "model"), parts,
                StopReasons.fromOpenAi(Json.text(choice, "finish_reason")), readUsage(root.get("usage")));
    }

    static Usage readUsage(JsonNode u) {
        if (u == null || u.isNull()) {
            return null;
        }
        return new Usage(Json.longValue(u, "prompt_tokens"), Json.longValue(u, "completion_tokens"),
                Json.longValue(u.get("prompt_tokens_details"), "cached_tokens"),
                Json.longValue(u.get("completion_tokens_details"), "reasoning_tokens"));
    }

    static ObjectNode writeUsage(Usage u) {
        ObjectNode o = Json.object();
        o.put("prompt_tokens", u.inputTokens()).put("completion_tokens", u.outputTokens()).put("total_tokens", u.totalTokens());
        o.putObject("prompt_tokens_details").put("cached_tokens", u.cachedInputTokens());
        o.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        return o;
    }

    /**
     * The {@code chat.completion} a client gets, written straight from the record with a
     * generator: building a Jackson tree and serialising it was ~8% of a chat call's CPU.
     */
    static byte[] writeResponse(ChatResponse r, String model, long created) {
        StringBuilder text = new StringBuilder();
        List<ContentPart.ToolCall> calls = new ArrayList<>(0);
        for (ContentPart p : r.content()) {
            if (p instanceof ContentPart.Text t) {
                text.append(t.text());
            } else if (p instanceof ContentPart.ToolCall c) {
                calls.add(c);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 + text.length());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", r.id() == null ? "chatcmpl-portcullis" : r.id());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (text.isEmpty() && !calls.isEmpty()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", text.toString());
            }
            g.writeNullField("refusal");
            if (!calls.isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ContentPart.ToolCall c : calls) {
                    g.writeStartObject();
                    g.writeStringField("id", c.id());
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeStringField("arguments", c.arguments());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", StopReasons.toOpenAi(r.stopReason()));
            g.writeEndObject();
            g.writeEndArray();
            g.writeFieldName("usage");
            g.writeTree(writeUsage(r.usage()));
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    // ---- errors ---------------------------------------------------------------------------

    /** OpenAI's error {@code type} for a status. */
    static String errorType(int status) {
        return switch (status) {
            case 400, 404, 409, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    static ObjectNode error(int status, String code, String message) {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("message", message).put("type", errorType(status)).putNull("param");
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return root;
    }

    static String readErrorMessage(JsonNode root) {
        JsonNode e = root.get("error");
        if (e == null) {
            return null;
        }
        return e.isTextual() ? e.asText() : Json.text(e, "message");
    }
}
