package dev.portcullis.guard;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.util.List;

/**
 * Config of a {@code prompt-guard} policy:
 * {@code { type: prompt-guard, embedder: minilm, action: block, inspect: [user, tool, document] }}.
 *
 * @param embedder    an {@code Embedder} component; absent = heuristics only
 * @param threshold   the combined-score threshold (default: the bundled head's, or 0.5 without embedder)
 * @param classifier  an optional classifier component (type onnx-classifier) as a further layer
 * @param action      {@code block} (default), {@code flag} or {@code log}
 * @param inspect     which texts to scan: {@code user}, {@code tool} (tool results), {@code document}
 *                    (Anthropic document and search-result blocks), {@code system}; default user, tool, document
 * @param scope       {@code latest} (default): the messages after the last assistant turn; {@code all}: the whole history
 * @param maxBodySize larger requests are refused with 413 (default 4MiB)
 */
public record PromptGuardConfig(
        @JsonPropertyDescription("Embedder component (type onnx-embedder) for the classifier head; absent = heuristics only")
        String embedder,
        @JsonPropertyDescription("Score at or above which a text counts as an injection (0..1)")
        Double threshold,
        @JsonPropertyDescription("Optional TextClassifier component (type onnx-classifier) as a further layer")
        ClassifierConfig classifier,
        @JsonPropertyDescription("block (default), flag or log")
        GuardAction action,
        @JsonPropertyDescription("Texts to scan: user, tool, document, system (default user, tool, document)")
        List<String> inspect,
        @JsonPropertyDescription("latest (default): only messages after the last assistant turn; all: every message")
        Scope scope,
        @JsonPropertyDescription("Requests with a larger body are refused with 413 (default 4MiB)")
        DataSize maxBodySize,
        @JsonPropertyDescription("Mark the agent tainted for other layers when a prompt is found injected (any action)")
        TaintConfig taint) implements Validatable {

    /**
     * Cross-layer taint: a finding marks the calling agent in the store for {@code ttl}, and the
     * MCP gate ({@code mcp-tbac}'s {@code taint:}) tightens for it meanwhile.
     *
     * @param ttl   how long the mark lasts (default 15m)
     * @param store the state store shared with the MCP gate (default {@code default})
     */
    public record TaintConfig(java.time.Duration ttl, String store) {
        /** Fills defaults. */
        public TaintConfig {
            ttl = ttl == null ? java.time.Duration.ofMinutes(15) : ttl;
            store = store == null ? "default" : store;
        }
    }

    /** Which messages are scanned. */
    public enum Scope {
        /** The new input of this turn: messages after the last assistant message. */
        @JsonProperty("latest") LATEST,
        /** Every message. */
        @JsonProperty("all") ALL
    }

    static final List<String> SOURCES = List.of("user", "tool", "document", "system");

    /** Fills defaults. */
    public PromptGuardConfig {
        action = action == null ? GuardAction.BLOCK : action;
        inspect = inspect == null ? List.of("user", "tool", "document") : List.copyOf(inspect);
        scope = scope == null ? Scope.LATEST : scope;
        maxBodySize = maxBodySize == null ? DataSize.ofBytes(4L << 20) : maxBodySize;
    }

    /** The detector part. */
    DetectorConfig detector() {
        return new DetectorConfig(embedder, threshold, classifier);
    }

    @Override
    public void validate(ConfigErrors errors) {
        detector().validate(errors);
        for (int i = 0; i < inspect.size(); i++) {
            if (!SOURCES.contains(inspect.get(i))) {
                errors.add("inspect[" + i + "]", "unknown source '" + inspect.get(i) + "'; one of " + SOURCES);
            }
        }
        if (inspect.isEmpty()) {
            errors.add("inspect", "must name at least one source");
        }
        if (maxBodySize.bytes() < 1024) {
            errors.add("maxBodySize", "must be at least 1KiB");
        }
    }
}
