package dev.portcullis.plugins.llm;

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

/** Anthropic Messages JSON, both directions: requests, responses, usage and errors. */
final class AnthropicWire {

    /**
     * Fields read into the canonical model, or deliberately not forwarded: {@code thinking} (its
     * blocks are not carried through the canonical model, and Anthropic wants them back in later
     * turns). Everything else travels to Anthropic providers as it came ({@code top_k},
     * {@code metadata}, {@code service_tier}, ...).
     */
    private static final Set<String> KNOWN = Set.of("model", "max_tokens", "messages", "system",
            "tools", "tool_choice", "temperature", "top_p", "stop_sequences", "stream", "thinking");

    private AnthropicWire() {}

    // ---- requests -------------------------------------------------------------------------

    static ChatRequest readRequest(JsonNode root) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        String model = Json.required(root, "model").asText();
        Integer maxTokens = Json.intOrNull(root, "max_tokens");
        if (maxTokens == null) {
            throw new IllegalArgumentException("max_tokens: Field required");
        }
        JsonNode msgs = Json.required(root, "messages");
        if (!msgs.isArray()) {
            throw new IllegalArgumentException("'messages' must be an array");
        }
        List<Message> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String role = Json.text(m, "role");
            if ("user".equals(role)) {
                readUser(m.get("content"), i, messages);
            } else if ("assistant".equals(role)) {
                messages.add(new Message(Role.ASSISTANT, assistantParts(m.get("content"), i)));
            } else {
                throw new IllegalArgumentException("messages." + i + ".role: must be 'user' or 'assistant'");
            }
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (JsonNode t : root.path("tools")) {
            if (!t.has("input_schema")) {
                throw new IllegalArgumentException("only custom tools with an input_schema are supported");
            }
            tools.add(new ToolDefinition(Json.required(t, "name").asText(), Json.text(t, "description"), Json.raw(t.get("input_schema"))));
        }
        List<String> stop = new ArrayList<>();
        root.path("stop_sequences").forEach(s -> stop.add(s.asText()));
        JsonNode stream = root.get("stream");
        return new ChatRequest(model, systemText(root.get("system")), messages, tools, toolChoice(root.get("tool_choice")),
                maxTokens, Json.doubleOrNull(root, "temperature"), Json.doubleOrNull(root, "top_p"), stop,
                stream != null && stream.asBoolean(), Json.extras(root, KNOWN, "anthropic"));
    }

    private static String systemText(JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        return OpenAiWire.textOf(s);
    }

    private static ToolChoice toolChoice(JsonNode c) {
        if (c == null || c.isNull()) {
            return null;
        }
        return switch (c.path("type").asText("auto")) {
            case "none" -> new ToolChoice(ToolChoice.Mode.NONE, null);
            case "any" -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
            case "tool" -> new ToolChoice(ToolChoice.Mode.TOOL, Json.required(c, "name").asText());
            default -> ToolChoice.AUTO;
        };
    }

    /** A user turn: tool results become canonical tool messages, the rest one user message. */
    private static void readUser(JsonNode content, int i, List<Message> out) {
        if (content == null || content.isNull()) {
            throw new IllegalArgumentException("messages." + i + ".content: Field required");
        }
        if (content.isTextual()) {
            out.add(Message.text(Role.USER, content.asText()));
            return;
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (JsonNode b : content) {
            String type = Json.text(b, "type");
            switch (type == null ? "" : type) {
                case "text" -> parts.add(new ContentPart.Text(b.path("text").asText()));
                case "image" -> parts.add(image(b.path("source"), i));
                case "tool_result" -> out.add(new Message(Role.TOOL, List.of(new ContentPart.ToolResult(
                        Json.text(b, "tool_use_id"), OpenAiWire.textOf(b.get("content")), b.path("is_error").asBoolean(false)))));
                default -> throw new IllegalArgumentException("messages." + i + ".content: block type '" + type + "' is not supported");
            }
        }
        if (!parts.isEmpty()) {
            out.add(new Message(Role.USER, parts));
        }
    }

    private static ContentPart.Image image(JsonNode src, int i) {
        String type = Json.text(src, "type");
        if ("base64".equals(type)) {
            return new ContentPart.Image("data:" + Json.text(src, "media_type") + ";base64," + Json.text(src, "data"), null);
        }
        if ("url".equals(type)) {
            return new ContentPart.Image(Json.text(src, "url"), null);
        }
        throw new IllegalArgumentException("messages." + i + ".content: image source type '" + type + "' is not supported");
    }

    private static List<ContentPart> assistantParts(JsonNode content, int i) {
        if (content == null || content.isNull()) {
            throw new IllegalArgumentException("messages." + i + ".content: Field required");
        }
        if (content.isTextual()) {
            return List.of(new ContentPart.Text(content.asText()));
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (JsonNode b : content) {
            String type = Json.text(b, "type");
            if ("text".equals(type)) {
                parts.add(new ContentPart.Text(b.path("text").asText()));
            } else if ("tool_use".equals(type)) {
                parts.add(new ContentPart.ToolCall(Json.text(b, "id"), Json.text(b, "name"), Json.write(b.path("input"))));
            }
            // thinking blocks are provider-specific and not carried across providers
        }
        return parts;
    }

    static ObjectNode writeRequest(ChatRequest r, int defaultMaxTokens) {
        ObjectNode root = Json.object();
        root.put("model", r.model());
        root.put("max_tokens", r.maxTokens() != null ? r.maxTokens() : defaultMaxTokens);
        if (r.system() != null && !r.system().isEmpty()) {
            root.put("system", r.system());
        }
        ArrayNode msgs = root.putArray("messages");
        ObjectNode user = null; // consecutive tool results and user content share one user turn
        for (Message m : r.messages()) {
            if (m.role() == Role.ASSISTANT) {
                user = null;
                ArrayNode blocks = msgs.addObject().put("role", "assistant").putArray("content");
                for (ContentPart p : m.content()) {
                    if (p instanceof ContentPart.Text t && !t.text().isEmpty()) {
                        blocks.addObject().put("type", "text").put("text", t.text());
                    } else if (p instanceof ContentPart.ToolCall c) {
                        ObjectNode b = blocks.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name());
                        b.set("input", Json.parseOrEmpty(c.arguments()));
                    }
                }
                continue;
            }
            if (user == null) {
                user = msgs.addObject().put("role", "user");
                user.putArray("content");
            }
            ArrayNode blocks = (ArrayNode) user.get("content");
            for (ContentPart p : m.content()) {
                switch (p) {
                    case ContentPart.Text t -> blocks.addObject().put("type", "text").put("text", t.text());
                    case ContentPart.Image img -> writeImage(blocks.addObject().put("type", "image"), img.url());
                    case ContentPart.ToolResult tr -> {
                        ObjectNode b = blocks.addObject().put("type", "tool_result").put("tool_use_id", tr.toolCallId());
                        b.put("content", tr.content());
                        if (tr.isError()) {
                            b.put("is_error", true);
                        }
                    }
                    case ContentPart.ToolCall c -> { }
                }
            }
        }
        if (!r.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            for (ToolDefinition t : r.tools()) {
                ObjectNode o = tools.addObject().put("name", t.name());
                if (t.description() != null) {
                    o.put("description", t.description());
                }
                o.set("input_schema", Json.parse(t.parameters()));
            }
        }
        if (r.toolChoice() != null) {
            ObjectNode tc = Json.object();
            switch (r.toolChoice().mode()) {
                case AUTO -> tc.put("type", "auto");
                case NONE -> tc.put("type", "none");
                case REQUIRED -> tc.put("type", "any");
                case TOOL -> tc.put("type", "tool").put("name", r.toolChoice().name());
            }
            root.set("tool_choice", tc);
        }
        if (r.temperature() != null) {
            root.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            root.put("top_p", r.topP());
        }
        if (!r.stop().isEmpty()) {
            ArrayNode stop = root.putArray("stop_sequences");
            r.stop().forEach(stop::add);
        }
        Json.addExtras(root, r.extras(), "anthropic");
        if (r.stream()) {
            root.put("stream", true);
        }
        return root;
    }

    private static void writeImage(ObjectNode block, String url) {
        ObjectNode src = block.putObject("source");
        if (url.startsWith("data:")) {
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            if (semi < 0 || comma < semi) {
                throw new IllegalArgumentException("an image data URL must be data:<media-type>;base64,<data>");
            }
            src.put("type", "base64").put("media_type", url.substring(5, semi)).put("data", url.substring(comma + 1));
        } else {
            src.put("type", "url").put("url", url);
        }
    }

    // ---- responses ------------------------------------------------------------------------

    static ChatResponse readResponse(JsonNode root) {
        JsonNode content = root.get("content");
        if (content == null || !content.isArray()) {
            throw new IllegalArgumentException("the provider's answer has no content");
        }
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (JsonNode b : content) {
            String type = Json.text(b, "type");
            if ("text".equals(type)) {
                parts.add(new ContentPart.Text(b.path("text").asText()));
            } else if ("tool_use".equals(type)) {
                parts.add(new ContentPart.ToolCall(Json.text(b, "id"), Json.text(b, "name"), Json.write(b.path("input"))));
            }
        }
        return new ChatResponse(Json.text(root, "id"), Json.text(root, "model"), parts,
                StopReasons.fromAnthropic(Json.text(root, "stop_reason")), readUsage(root.get("usage")));
    }

    /** Normalises Anthropic usage: canonical input includes cache reads and cache writes. */
    static Usage readUsage(JsonNode u) {
        if (u == null || u.isNull()) {
            return null;
        }
        long cacheRead = Json.longValue(u, "cache_read_input_tokens");
        long input = Json.longValue(u, "input_tokens") + cacheRead + Json.longValue(u, "cache_creation_input_tokens");
        return new Usage(input, Json.longValue(u, "output_tokens"), cacheRead, 0);
    }

    static ObjectNode writeUsage(Usage u) {
        ObjectNode o = Json.object();
        o.put("input_tokens", u.inputTokens() - u.cachedInputTokens());
        o.put("cache_creation_input_tokens", 0);
        o.put("cache_read_input_tokens", u.cachedInputTokens());
        o.put("output_tokens", u.outputTokens());
        return o;
    }

    static ObjectNode writeResponse(ChatResponse r, String model) {
        ObjectNode root = Json.object();
        root.put("id", r.id() == null ? "msg_portcullis" : r.id()).put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode blocks = root.putArray("content");
        for (ContentPart p : r.content()) {
            if (p instanceof ContentPart.Text t) {
                blocks.addObject().put("type", "text").put("text", t.text());
            } else if (p instanceof ContentPart.ToolCall c) {
                ObjectNode b = blocks.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name());
                b.set("input", Json.parseOrEmpty(c.arguments()));
            }
        }
        root.put("stop_reason", StopReasons.toAnthropic(r.stopReason()));
        root.putNull("stop_sequence");
        root.set("usage", writeUsage(r.usage()));
        return root;
    }

    // ---- errors ---------------------------------------------------------------------------

    /** Anthropic's error {@code type} for a status. */
    static String errorType(int status) {
        return switch (status) {
            case 400, 409, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The status for an Anthropic error {@code type} (stream errors carry no status). */
    static int statusOf(String type) {
        return switch (type == null ? "" : type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            case "timeout_error" -> 504;
            default -> 500;
        };
    }

    static ObjectNode error(int status, String message) {
        ObjectNode root = Json.object().put("type", "error");
        root.putObject("error").put("type", errorType(status)).put("message", message);
        return root;
    }
}
