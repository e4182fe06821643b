package dev.portcullis.spi;

import java.util.List;

/**
 * Exchange attributes the AI guards publish for later policies and other layers: a prompt-guard
 * in {@code flag} mode lets the request through but states the finding here, so a later policy
 * (a stricter rate limit, a model downgrade, the MCP gate's taint rules) can act on it.
 */
public final class GuardAttributes {

    /** Set once by the first prompt guard that flags the request (action {@code flag}). */
    public static final AttributeKey<PromptFlag> PROMPT_FLAG = AttributeKey.of("guard.prompt-flag", PromptFlag.class);

    /**
     * Set once by a pii-guard that redacted the request: the kinds it replaced (e.g. {@code email}),
     * never the values.
     */
    public static final AttributeKey<PiiRedaction> PII_REDACTED = AttributeKey.of("guard.pii-redacted", PiiRedaction.class);

    /**
     * A prompt judged injected.
     *
     * @param policy  the name or type of the guard that flagged it
     * @param score   the combined score in [0, 1]
     * @param reasons one short reason per detector that fired, e.g. {@code heuristic:instruction-override}
     * @param source  where the text came from: {@code user}, {@code system}, {@code tool} or {@code document}
     */
    public record PromptFlag(String policy, double score, List<String> reasons, String source) {
        public PromptFlag {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * What a pii-guard replaced in the request.
     *
     * @param policy the guard's name or type
     * @param kinds  detector names with at least one finding, e.g. {@code email}, {@code iban}
     * @param count  how many values were replaced
     */
    public record PiiRedaction(String policy, List<String> kinds, int count) {
        public PiiRedaction {
            kinds = List.copyOf(kinds);
        }
    }

    private GuardAttributes() {}
}
