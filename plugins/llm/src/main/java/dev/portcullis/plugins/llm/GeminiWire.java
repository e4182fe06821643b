package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.Role;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.ToolDefinition;
import dev.portcullis.spi.llm.Usage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Google Gemini {@code generateContent} JSON, both directions. Gemini matches tool results to
 * calls by function name, not id, and its calls often carry no id: the gateway gives each call an
 * id of its own ({@code gmn_...}) and, when Gemini attached a {@code thoughtSignature} to the
 * call (Gemini 3 rejects a follow-up turn without it), appends the signature to that id so it
 * travels through the client's history and back without any state in the gateway.
 */
final class GeminiWire {

    /** Prefix of the tool-call ids the gateway makes for Gemini calls. */
    static final String ID_PREFIX = "gmn_";
    private static final int ID_RANDOM = 12;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeminiWire() {}

    // ---- requests -------------------------------------------------------------------------

    static ObjectNode writeRequest(ChatRequest r) {
        ObjectNode root = Json.object();
        if (r.system() != null && !r.system().isEmpty()) {
            root.putObject("systemInstruction").putArray("parts").addObject().put("text", r.system());
        }
        ArrayNode contents = root.putArray("contents");
        Map<String, String> callNames = new HashMap<>();
        ObjectNode turn = null;
        String turnRole = null;
        for (Message m : r.messages()) {
            String role = m.role() == Role.ASSISTANT ? "model" : "user"; // tool results go back in a user turn
            if (!role.equals(turnRole)) {
                turn = contents.addObject().put("role", role);
                turn.putArray("parts");
                turnRole = role;
            }
            ArrayNode parts = (ArrayNode) turn.get("parts");
            for (ContentPart p : m.content()) {
                switch (p) {
                    case ContentPart.Text t -> {
                        if (!t.text().isEmpty()) {
                            parts.addObject().put("text", t.text());
                        }
                    }
                    case ContentPart.Image img -> writeImage(parts.addObject(), img.url());
                    case ContentPart.ToolCall c -> {
                        callNames.put(c.id(), c.name());
                        ObjectNode part = parts.addObject();
                        part.putObject("functionCall").put("name", c.name()).set("args", Json.parseOrEmpty(c.arguments()));
                        String signature = signatureOf(c.id());
                        if (signature != null) {
                            part.put("thoughtSignature", signature);
                        }
                    }
                    case ContentPart.ToolResult tr -> {
                        String name = callNames.get(tr.toolCallId());
                        if (name == null) {
                            throw new IllegalArgumentException("the tool result for call '" + tr.toolCallId()
                                    + "' answers no tool call earlier in the conversation (Gemini matches results to calls by name)");
                        }
                        ObjectNode fr = parts.addObject().putObject("functionResponse").put("name", name);
                        fr.putObject("response").set(tr.isError() ? "error" : "output", resultValue(tr.content()));
                    }
                }
            }
        }
        if (!r.tools().isEmpty()) {
            ArrayNode decls = root.putArray("tools").addObject().putArray("functionDeclarations");
            for (ToolDefinition t : r.tools()) {
                ObjectNode d = decls.addObject().put("name", t.name());
                if (t.description() != null) {
                    d.put("description", t.description());
                }
                if (t.parameters() != null) {
                    // full JSON Schema, not the OpenAPI subset of "parameters"
                    d.set("parametersJsonSchema", Json.parse(t.parameters()));
                }
            }
        }
        if (r.toolChoice() != null) {
            ObjectNode fcc = root.putObject("toolConfig").putObject("functionCallingConfig");
            switch (r.toolChoice().mode()) {
                case AUTO -> fcc.put("mode", "AUTO");
                case NONE -> fcc.put("mode", "NONE");
                case REQUIRED -> fcc.put("mode", "ANY");
                case TOOL -> fcc.put("mode", "ANY").putArray("allowedFunctionNames").add(r.toolChoice().name());
            }
        }
        ObjectNode gen = Json.object();
        if (r.maxTokens() != null) {
            gen.put("maxOutputTokens", r.maxTokens());
        }
        if (r.temperature() != null) {
            gen.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            gen.put("topP", r.topP());
        }
        if (!r.stop().isEmpty()) {
            ArrayNode stop = gen.putArray("stopSequences");
            r.stop().forEach(stop::add);
        }
        if (!gen.isEmpty()) {
            root.set("generationConfig", gen);
        }
        return root;
    }

    /** A tool result as Gemini's response value: its JSON when it is JSON, else the text. */
    private static JsonNode resultValue(String content) {
        String c = content == null ? "" : content.strip();
        if (c.startsWith("{") || c.startsWith("[")) {
            try {
                return Json.parse(c);
            } catch (IllegalArgumentException notJson) {
                // plain text that happens to start with a bracket
            }
        }
        return Json.MAPPER.getNodeFactory().textNode(content == null ? "" : content);
    }

    private static void writeImage(ObjectNode part, String url) {
        if (url.startsWith("data:")) {
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            if (semi < 0 || comma < semi) {
                throw new IllegalArgumentException("an image data URL must be data:<media-type>;base64,<data>");
            }
            part.putObject("inlineData").put("mimeType", url.substring(5, semi)).put("data", url.substring(comma + 1));
        } else {
            part.putObject("fileData").put("mimeType", mimeTypeOf(url)).put("fileUri", url);
        }
    }

    private static String mimeTypeOf(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        if (u.endsWith(".png")) {
            return "image/png";
        }
        if (u.endsWith(".webp")) {
            return "image/webp";
        }
        if (u.endsWith(".gif")) {
            return "image/gif";
        }
        return "image/jpeg";
    }

    // ---- tool-call ids ----------------------------------------------------------------------

    /** A new id for a Gemini call, carrying its thought signature (base64) when there is one. */
    static String newCallId(String signature) {
        StringBuilder id = new StringBuilder(ID_PREFIX.length() + ID_RANDOM + (signature == null ? 0 : signature.length() + 1));
        id.append(ID_PREFIX);
        for (int i = 0; i < ID_RANDOM; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        if (signature != null && !signature.isEmpty()) {
            try {
                // URL-safe, so the id stays within [A-Za-z0-9_-] as Anthropic clients expect of ids
                byte[] raw = Base64.getDecoder().decode(signature);
                id.append('_').append(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
            } catch (IllegalArgumentException notBase64) {
                // a signature we cannot carry is dropped: only the next turn's validation suffers
            }
        }
        return id.toString();
    }

    /** The thought signature (base64) carried by one of our ids, or null. */
    static String signatureOf(String id) {
        int at = ID_PREFIX.length() + ID_RANDOM;
        if (id == null || !id.startsWith(ID_PREFIX) || id.length() <= at + 1 || id.charAt(at) != '_') {
            return null;
        }
        try {
            return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(id.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- responses --------------------------------------------------------------------------

    static ChatResponse readResponse(JsonNode root) {
        JsonNode candidate = root.path("candidates").path(0);
        List<ContentPart> parts = new ArrayList<>(2);
        if (candidate.isMissingNode()) {
            if (root.path("promptFeedback").has("blockReason")) {
                // the prompt itself was blocked: an empty, filtered answer
                return new ChatResponse(Json.text(root, "responseId"), Json.text(root, "modelVersion"), parts,
                        StopReason.CONTENT_FILTER, readUsage(root.get("usageMetadata")));
            }
            throw new IllegalArgumentException("the provider's answer has no candidates");
        }
        boolean calls = false;
        for (JsonNode p : candidate.path("content").path("parts")) {
            if (p.path("thought").asBoolean(false)) {
                continue; // thought summaries are not part of the answer
            }
            if (p.has("functionCall")) {
                JsonNode fc = p.get("functionCall");
                parts.add(new ContentPart.ToolCall(newCallId(Json.text(p, "thoughtSignature")), Json.text(fc, "name"),
                        Json.write(fc.has("args") ? fc.get("args") : Json.object())));
                calls = true;
            } else if (p.has("text")) {
                parts.add(new ContentPart.Text(p.get("text").asText()));
            }
        }
        return new ChatResponse(Json.text(root, "responseId"), Json.text(root, "modelVersion"), parts,
                stopReason(Json.text(candidate, "finishReason"), calls), readUsage(root.get("usageMetadata")));
    }

    /**
     * Gemini's finish reasons; a call is {@code STOP} on Gemini's wire, so whether the answer
     * holds calls decides tool use.
     */
    static StopReason stopReason(String finishReason, boolean calls) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "MAX_TOKENS" -> StopReason.MAX_TOKENS;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE" -> StopReason.CONTENT_FILTER;
            default -> calls ? StopReason.TOOL_USE : StopReason.END_TURN;
        };
    }

    /**
     * Normalises Gemini's usage: {@code promptTokenCount} already includes cached tokens;
     * {@code thoughtsTokenCount} is not part of {@code candidatesTokenCount}, so output is their
     * sum (and reasoning the thoughts); tool-use prompt tokens count as input.
     */
    static Usage readUsage(JsonNode u) {
        if (u == null || u.isNull()) {
            return null;
        }
        long thoughts = Json.longValue(u, "thoughtsTokenCount");
        return new Usage(Json.longValue(u, "promptTokenCount") + Json.longValue(u, "toolUsePromptTokenCount"),
                Json.longValue(u, "candidatesTokenCount") + thoughts, Json.longValue(u, "cachedContentTokenCount"), thoughts);
    }

    // ---- errors -----------------------------------------------------------------------------

    /** The message of a Gemini error body ({@code {"error":{"code","message","status"}}}), or null. */
    static String readErrorMessage(JsonNode root) {
        JsonNode e = root.path("error");
        return e.isObject() ? Json.text(e, "message") : null;
    }

    /** The HTTP status of an error object inside a stream. */
    static int statusOf(JsonNode error) {
        int code = error.path("code").asInt(0);
        if (code >= 400 && code <= 599) {
            return code;
        }
        return switch (String.valueOf(Json.text(error, "status"))) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION" -> 400;
            case "RESOURCE_EXHAUSTED" -> 429;
            case "UNAVAILABLE" -> 503;
            case "DEADLINE_EXCEEDED" -> 504;
            default -> 502;
        };
    }
}
