package dev.portcullis.plugins.llm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ContentPart;
import dev.portcullis.spi.llm.Message;
import dev.portcullis.spi.llm.ToolDefinition;

/**
 * Estimates a request's input tokens before it is sent, with jtokkit's {@code o200k_base}
 * encoding (exact for current OpenAI models, an approximation for others), plus the chat
 * framing overhead OpenAI documents (3 tokens per message, 3 to prime the reply). Images count a
 * flat 85 tokens. Meant for admission decisions (token limits reserve the estimate plus the
 * output limit); actual usage comes from the provider.
 */
final class TokenEstimator {

    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    private static final int PER_IMAGE = 85;

    private final Encoding encoding;

    /** Loads the encoding (about 200 ms the first time); create once, at config load. */
    TokenEstimator() {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    long inputTokens(ChatRequest r) {
        long n = REPLY_PRIMING;
        if (r.system() != null) {
            n += PER_MESSAGE + count(r.system());
        }
        for (Message m : r.messages()) {
            n += PER_MESSAGE;
            for (ContentPart p : m.content()) {
                n += switch (p) {
                    case ContentPart.Text t -> count(t.text());
                    case ContentPart.Image i -> PER_IMAGE;
                    case ContentPart.ToolCall c -> count(c.name()) + count(c.arguments());
                    case ContentPart.ToolResult tr -> count(tr.content());
                };
            }
        }
        for (ToolDefinition t : r.tools()) {
            n += count(t.name()) + count(t.description()) + count(t.parameters());
        }
        return n;
    }

    private int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
