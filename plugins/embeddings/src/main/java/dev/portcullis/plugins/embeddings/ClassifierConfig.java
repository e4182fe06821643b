package dev.portcullis.plugins.embeddings;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Config of an {@code onnx-classifier} component: a local sequence classifier,
 * {@code { type: onnx-classifier, path: /opt/models/prompt-guard }} with {@code model.onnx} and
 * {@code tokenizer.json} in that folder. Never downloaded.
 *
 * @param path           the folder, relative to the config file's folder
 * @param maxTokens      longer input is truncated (default 512)
 * @param intraOpThreads ONNX Runtime threads inside one inference (default 1)
 */
public record ClassifierConfig(
        @JsonPropertyDescription("Folder holding model.onnx and tokenizer.json")
        String path,
        @JsonPropertyDescription("Longer input is truncated to this many tokens (default 512)")
        Integer maxTokens,
        @JsonPropertyDescription("ONNX Runtime threads inside one inference (default 1)")
        Integer intraOpThreads) implements Validatable {

    /** Fills defaults. */
    public ClassifierConfig {
        maxTokens = maxTokens == null ? 512 : maxTokens;
        intraOpThreads = intraOpThreads == null ? 1 : intraOpThreads;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (path == null || path.isBlank()) {
            errors.add("path", "required: the folder holding model.onnx and tokenizer.json");
        }
        if (maxTokens < 8 || maxTokens > 8192) {
            errors.add("maxTokens", "must be between 8 and 8192");
        }
        if (intraOpThreads < 1 || intraOpThreads > 64) {
            errors.add("intraOpThreads", "must be between 1 and 64");
        }
    }
}
