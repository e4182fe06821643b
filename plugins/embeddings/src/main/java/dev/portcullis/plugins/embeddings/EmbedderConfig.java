package dev.portcullis.plugins.embeddings;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Config of an {@code onnx-embedder} component:
 * {@code components: { minilm: { type: onnx-embedder } }} for the bundled all-MiniLM-L6-v2
 * (quantized), or {@code { type: onnx-embedder, model: /opt/bge/model.onnx, tokenizer:
 * /opt/bge/tokenizer.json, pooling: cls, maxTokens: 512 }} for a local model.
 *
 * @param model          path of an ONNX sentence-transformer model (relative to the config file's
 *                       folder); absent = the bundled MiniLM. Never downloaded.
 * @param tokenizer      path of its HuggingFace {@code tokenizer.json}; required with {@code model}
 * @param pooling        {@code mean} over the tokens (default, MiniLM, e5) or the {@code cls} token (bge)
 * @param normalize      L2-normalise vectors so that a dot product is the cosine (default true)
 * @param maxTokens      longer input is truncated to this many tokens, special tokens included (default 256)
 * @param concurrency    how many inferences may run at once on the one shared session
 *                       (default: the number of processors)
 * @param intraOpThreads threads ONNX Runtime uses inside one inference (default 1)
 */
public record EmbedderConfig(String model, String tokenizer, Pooling pooling, Boolean normalize,
        Integer maxTokens, Integer concurrency, Integer intraOpThreads) implements Validatable {

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /** The mean of the token vectors, padding excluded. */
        @JsonProperty("mean") MEAN,
        /** The vector of the first ({@code [CLS]}) token. */
        @JsonProperty("cls") CLS
    }

    /** Fills defaults. */
    public EmbedderConfig {
        pooling = pooling == null ? Pooling.MEAN : pooling;
        normalize = normalize == null || normalize;
        maxTokens = maxTokens == null ? 256 : maxTokens;
        concurrency = concurrency == null ? Runtime.getRuntime().availableProcessors() : concurrency;
        intraOpThreads = intraOpThreads == null ? 1 : intraOpThreads;
    }

    /** Whether this config uses the model bundled in the plugin. */
    public boolean bundled() {
        return model == null && tokenizer == null;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (model != null && tokenizer == null) {
            errors.add("tokenizer", "required with model (the model's tokenizer.json)");
        }
        if (tokenizer != null && model == null) {
            errors.add("model", "required with tokenizer (the model's .onnx file)");
        }
        if (model != null && model.isBlank()) {
            errors.add("model", "must not be blank");
        }
        if (tokenizer != null && tokenizer.isBlank()) {
            errors.add("tokenizer", "must not be blank");
        }
        if (maxTokens < 2 || maxTokens > 8192) {
            errors.add("maxTokens", "must be between 2 and 8192");
        }
        if (concurrency < 1 || concurrency > 256) {
            errors.add("concurrency", "must be between 1 and 256");
        }
        if (intraOpThreads < 1 || intraOpThreads > 64) {
            errors.add("intraOpThreads", "must be between 1 and 64");
        }
    }
}
