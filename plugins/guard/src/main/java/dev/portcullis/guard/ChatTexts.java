package dev.portcullis.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Walks the texts of a chat request in either wire format, with where each came from, and lets
 * the visitor replace them in place (the PII guard redacts; the prompt guard only reads).
 *
 * <ul>
 *   <li>OpenAI: {@code messages[]} by role: {@code system}/{@code developer}, {@code user},
 *       {@code tool}/{@code function} (tool results); content as a string or {@code text} parts.</li>
 *   <li>Anthropic: top-level {@code system}; {@code messages[]} blocks: {@code text} (user),
 *       {@code tool_result} (tool), {@code document} with a text source and {@code search_result}
 *       (document).</li>
 * </ul>
 * Assistant turns are visited only when asked for: they are the model's own words, which the
 * prompt guard need not judge, but earlier answers in the history can carry PII back to the provider.
 */
final class ChatTexts {

    /** Where a text came from. */
    enum Source {
        USER("user"), SYSTEM("system"), TOOL("tool"), DOCUMENT("document"), ASSISTANT("assistant");

        final String label;

        Source(String label) {
            this.label = label;
        }
    }

    /** Sees one text; returns a replacement, or null to keep it. */
    interface Visitor {
        String visit(Source source, String text);
    }

    private ChatTexts() {}

    /**
     * Visits the texts of {@code body}.
     *
     * @param latestOnly only the messages after the last assistant turn (the new input of this
     *                   turn; earlier turns were checked when they were new) plus the system prompt
     * @param assistant  also visit the texts of assistant turns
     */
    static void walk(JsonNode body, ChatWire wire, boolean latestOnly, boolean assistant, Visitor visitor) {
        if (!(body instanceof ObjectNode root)) {
            return;
        }
        if (wire == ChatWire.ANTHROPIC) {
            JsonNode system = root.get("system");
            if (system != null && system.isTextual()) {
                replace(root, "system", visitor.visit(Source.SYSTEM, system.asText()));
            } else if (system instanceof ArrayNode blocks) {
                blocks(blocks, Source.SYSTEM, visitor);
            }
        }
        JsonNode messages = root.get("messages");
        if (!(messages instanceof ArrayNode list)) {
            return;
        }
        int from = 0;
        if (latestOnly) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if ("assistant".equals(list.get(i).path("role").asText())) {
                    from = i + 1;
                    break;
                }
            }
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode m)) {
                continue;
            }
            String role = m.path("role").asText();
            Source source = switch (role) {
                case "user" -> Source.USER;
                case "system", "developer" -> Source.SYSTEM;
                case "tool", "function" -> Source.TOOL;
                case "assistant" -> assistant ? Source.ASSISTANT : null;
                default -> null;
            };
            if (source == null || (i < from && source != Source.SYSTEM)) {
                continue;
            }
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                replace(m, "content", visitor.visit(source, content.asText()));
            } else if (content instanceof ArrayNode blocks) {
                blocks(blocks, source, visitor);
            }
        }
    }

    /** Content blocks or parts: text, tool results, documents, search results. */
    private static void blocks(ArrayNode blocks, Source source, Visitor visitor) {
        for (JsonNode b : blocks) {
            if (!(b instanceof ObjectNode block)) {
                continue;
            }
            switch (block.path("type").asText()) {
                case "text", "input_text" -> {
                    if (block.path("text").isTextual()) {
                        replace(block, "text", visitor.visit(source, block.get("text").asText()));
                    }
                }
                case "tool_result" -> {
                    JsonNode c = block.get("content");
                    if (c != null && c.isTextual()) {
                        replace(block, "content", visitor.visit(Source.TOOL, c.asText()));
                    } else if (c instanceof ArrayNode inner) {
                        blocks(inner, Source.TOOL, visitor);
                    }
                }
                case "document" -> {
                    JsonNode src = block.get("source");
                    if (src instanceof ObjectNode s && "text".equals(s.path("type").asText()) && s.path("data").isTextual()) {
                        replace(s, "data", visitor.visit(Source.DOCUMENT, s.get("data").asText()));
                    } else if (src instanceof ObjectNode s && "content".equals(s.path("type").asText())
                            && s.get("content") instanceof ArrayNode inner) {
                        blocks(inner, Source.DOCUMENT, visitor);
                    }
                }
                case "search_result" -> {
                    if (block.get("content") instanceof ArrayNode inner) {
                        blocks(inner, Source.DOCUMENT, visitor);
                    }
                }
                default -> {
                    // images, tool_use, thinking: no text of the client's to check
                }
            }
        }
    }

    private static void replace(ObjectNode node, String field, String replacement) {
        if (replacement != null) {
            node.set(field, TextNode.valueOf(replacement));
        }
    }
}
