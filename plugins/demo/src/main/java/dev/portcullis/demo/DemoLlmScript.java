package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo model's whole "intelligence": a fixed, deterministic script over an OpenAI chat request
 * that answers the way an obedient agent's LLM would. It reads only the <b>last</b> message (a user
 * message or a tool result), so it follows instructions wherever they come from, which is exactly
 * what makes a prompt injection dangerous.
 *
 * <ol>
 *   <li>"send … to {@code someone@domain}" → a call of the e-mail tool with
 *       {@code {to: [address], subject, body}}. The subject is what was to be sent ("the customer
 *       list" → "The customer list"); the body is the instruction's sentence followed by the last
 *       tool result earlier in the conversation (the data the agent holds, which is how it leaks).</li>
 *   <li>"look up / read / find / get / show / fetch / open … customer {@code 42}" → a call of the
 *       customer tool with {@code {id: "42"}}.</li>
 *   <li>a tool result without such an instruction → a one-line summary of it.</li>
 *   <li>anything else → a short text saying what the demo model can do.</li>
 * </ol>
 *
 * <p>Tools are named as the request offers them: the offered tool whose name is, or ends with
 * {@code _}, {@code send_email} (or {@code read_customer}); without one, the names the gateway
 * publishes for the demo servers, {@code mail_send_email} and {@code crm_read_customer}.
 */
final class DemoLlmScript {

    /** A reply: text or one tool call. */
    sealed interface Reply permits Text, ToolCall {
    }

    /** A text answer. */
    record Text(String text) implements Reply {
    }

    /** A tool call; {@code arguments} is a JSON object. */
    record ToolCall(String id, String name, ObjectNode arguments) implements Reply {
    }

    private static final String EMAIL = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}";
    private static final Pattern SEND = Pattern.compile(
            "\\bsend\\b([^.!?\\n]{0,200}?)\\bto\\s+(" + EMAIL + ")", Pattern.CASE_INSENSITIVE);
    private static final Pattern LOOKUP = Pattern.compile(
            "\\b(?:look\\s*up|read|find|get|show|fetch|open)\\b[^.!?\\n]{0,40}?\\bcustomer\\s*(?:#|no\\.?|number|id)?\\s*"
                    + "([A-Za-z-]{0,8}[0-9][A-Za-z0-9-]{0,31})",
            Pattern.CASE_INSENSITIVE);
    static final String HELP = "I am the Portcullis demo model. I can look up a customer (\"look up customer 42\") "
            + "or send an e-mail (\"send a note to support@example.com\").";

    private DemoLlmScript() {
    }

    /**
     * The reply to an OpenAI chat-completions request.
     *
     * @throws IllegalArgumentException when the request has no messages
     */
    static Reply answer(JsonNode request) {
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new IllegalArgumentException("'messages' must be a non-empty array");
        }
        JsonNode last = messages.get(messages.size() - 1);
        String role = last.path("role").asText("");
        if (!role.equals("user") && !role.equals("tool")) {
            return new Text(HELP);
        }
        String text = text(last.get("content"));
        List<String> offered = new ArrayList<>();
        request.path("tools").forEach(t -> offered.add(t.path("function").path("name").asText("")));
        String callId = "call_demo_" + messages.size();

        Matcher send = SEND.matcher(text);
        if (send.find()) {
            ObjectNode args = DemoHttp.JSON.createObjectNode();
            args.putArray("to").add(send.group(2));
            args.put("subject", subject(send.group(1)));
            String data = lastToolResult(messages);
            String sentence = sentence(text, send.start(), send.end());
            args.put("body", data == null ? sentence : sentence + "\n\n" + data);
            return new ToolCall(callId, pick(offered, "send_email", "mail_send_email"), args);
        }
        Matcher lookup = LOOKUP.matcher(text);
        if (lookup.find()) {
            ObjectNode args = DemoHttp.JSON.createObjectNode();
            args.put("id", lookup.group(1));
            return new ToolCall(callId, pick(offered, "read_customer", "crm_read_customer"), args);
        }
        if (role.equals("tool")) {
            return new Text(summary(text));
        }
        return new Text(HELP);
    }

    /** The text of a message's content: a string, or the text parts of an array. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.has("text")) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static String pick(List<String> offered, String suffix, String fallback) {
        for (String name : offered) {
            if (name.equals(suffix) || name.endsWith("_" + suffix)) {
                return name;
            }
        }
        return fallback;
    }

    private static String subject(String what) {
        String s = what.strip();
        if (s.isEmpty()) {
            return "Message from the support agent";
        }
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return s.length() > 80 ? s.substring(0, 80) : s;
    }

    /** The sentence around {@code [start, end)}: from the previous sentence end to the next one. */
    private static String sentence(String text, int start, int end) {
        int from = start;
        while (from > 0 && ".!?\n".indexOf(text.charAt(from - 1)) < 0) {
            from--;
        }
        int to = end;
        while (to < text.length() && ".!?\n".indexOf(text.charAt(to)) < 0) {
            to++;
        }
        if (to < text.length() && text.charAt(to) != '\n') {
            to++; // keep the full stop
        }
        return text.substring(from, to).strip();
    }

    /** The content of the last tool message before the last message, or null. */
    private static String lastToolResult(JsonNode messages) {
        for (int i = messages.size() - 2; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m.path("role").asText("").equals("tool")) {
                return text(m.get("content"));
            }
        }
        return null;
    }

    private static String summary(String result) {
        String s;
        try {
            JsonNode node = DemoHttp.JSON.readTree(result);
            if (node != null && node.isObject()) {
                List<String> fields = new ArrayList<>();
                for (Map.Entry<String, JsonNode> f : node.properties()) {
                    if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                        fields.add(f.getKey() + ": " + f.getValue().asText());
                    }
                }
                s = "Summary of the tool result: " + String.join(", ", fields);
                s = s.endsWith(".") ? s : s + ".";
            } else {
                s = "The tool said: " + result.strip();
            }
        } catch (Exception notJson) {
            s = "The tool said: " + result.strip();
        }
        return s.length() > 400 ? s.substring(0, 399) + "…" : s;
    }
}
