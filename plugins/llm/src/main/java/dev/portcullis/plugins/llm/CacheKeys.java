package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.Role;
import dev.portcullis.spi.llm.StopReason;
import dev.portcullis.spi.llm.ChatResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/** What the response caches share: scopes, exact keys, the last user prompt, and which answers may be kept. */
final class CacheKeys {

    static final String GLOBAL = "*";

    private CacheKeys() {}

    /** Who may reuse an entry: the caller (consumer, else subject, else client IP), or everyone. */
    static String scope(Exchange exchange, LlmCacheConfig.Scope scope) {
        return scope == LlmCacheConfig.Scope.GLOBAL ? GLOBAL : LlmPolicySupport.consumer(exchange);
    }

    /**
     * SHA-256 of the scope and the normalised request: model alias, system, messages, tools, tool
     * choice, output limit, temperature, top_p, stop sequences and every pass-through field; not
     * the stream flag, so a streamed answer serves a later non-streamed request.
     */
    static String exact(String scope, ChatRequest c) {
        return digest(scope, c, c.messages());
    }

    /** SHA-256 of the scope and everything but the last message: the semantic search space. */
    static String partition(String scope, ChatRequest c) {
        List<Message> m = c.messages();
        return digest(scope, c, m.isEmpty() ? m : m.subList(0, m.size() - 1));
    }

    private static String digest(String scope, ChatRequest c, List<Message> messages) {
        // records print every field; the stream flag is dropped, extras sorted for a stable order
        ChatRequest normal = new ChatRequest(c.model(), c.system(), messages, c.tools(), c.toolChoice(), c.maxTokens(),
                c.temperature(), c.topP(), c.stop(), false, null);
        String text = scope.length() + ":" + scope + "\n" + normal + "\n" + c.extras().wire() + new TreeMap<>(c.extras().fields());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The text of the last message when it is a user message of text only, else null. */
    static String lastUserPrompt(ChatRequest c) {
        if (c.messages().isEmpty()) {
            return null;
        }
        Message last = c.messages().get(c.messages().size() - 1);
        if (last.role() != Role.USER || last.content().isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (ContentPart p : last.content()) {
            if (!(p instanceof ContentPart.Text t)) {
                return null;
            }
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(t.text());
        }
        return out.toString().isBlank() ? null : out.toString();
    }

    /** Complete answers only: a natural end or a stop sequence, some content, no tool call pending. */
    static boolean cacheable(ChatResponse answer) {
        if (answer.stopReason() != StopReason.END_TURN && answer.stopReason() != StopReason.STOP_SEQUENCE) {
            return false;
        }
        for (ContentPart p : answer.content()) {
            if (p instanceof ContentPart.ToolCall) {
                return false;
            }
        }
        return !answer.content().isEmpty();
    }
}
