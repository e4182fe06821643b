package dev.portcullis.spi;

import java.util.List;

/**
 * Turns text into a dense vector for similarity search (semantic cache, prompt guard). Declared
 * once as a named component ({@code components: { minilm: { type: onnx-embedder } }}) and looked
 * up with {@code context.component(Embedder.class, "minilm")}.
 *
 * <p>Vectors are L2-normalised unless the component is configured otherwise, so the dot product
 * of two vectors is their cosine similarity. Input longer than the model's limit is truncated.
 *
 * <p>Implementations are thread-safe: share one instance. Every call is CPU-bound and blocking
 * (milliseconds for a short query, tens of milliseconds for a few hundred tokens); callers on
 * virtual threads may call it directly, implementations bound how many run at once.
 */
public interface Embedder {

    /** The vector of {@code text}, of length {@link #dimensions()}. */
    float[] embed(String text);

    /** The vectors of {@code texts}, in order; may run them as one batch. */
    List<float[]> embedAll(List<String> texts);

    /** The length of every vector. */
    int dimensions();

    /** A stable name of the model, e.g. {@code all-MiniLM-L6-v2-q}; vectors of different models are not comparable. */
    String model();
}
