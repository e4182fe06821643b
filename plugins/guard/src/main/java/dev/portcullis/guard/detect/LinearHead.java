package dev.portcullis.guard.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * A logistic-regression head: {@code sigmoid(b + w · standardise(dense) + v · hashed)} over the
 * dense features of {@link Features} and the hashed n-grams of {@link NgramHasher}. Trained
 * offline by {@code TrainPromptGuard} (docs/guards.md) and bundled as
 * {@code prompt-guard-head.json}; immutable and thread-safe.
 */
public final class LinearHead {

    /** The resource name of the bundled head. */
    public static final String RESOURCE = "prompt-guard-head.json";

    /**
     * The stored form.
     *
     * @param model         the embedding model the dense weights belong to
     * @param embedChars    how many leading characters of a text were embedded
     * @param features      the dense feature names, in order
     * @param mean          per dense feature: the mean used for standardisation
     * @param scale         per dense feature: 1 / standard deviation
     * @param weights       per dense feature: the weight
     * @param hashBits      the n-gram hash width (0: no lexical features)
     * @param hashedWeights the n-gram weights, little-endian float32
     * @param bias          the intercept
     * @param threshold     the decision threshold chosen in cross-validation
     * @param trainedOn     what it was trained on, and how the threshold was chosen
     */
    public record Stored(String model, int embedChars, List<String> features, float[] mean, float[] scale, float[] weights,
            int hashBits, byte[] hashedWeights, float bias, double threshold, Map<String, Object> trainedOn) {}

    private final Stored stored;
    private final float[] hashed;
    private final NgramHasher hasher;

    public LinearHead(Stored stored) {
        this.stored = stored;
        this.hashed = new float[stored.hashedWeights() == null ? 0 : stored.hashedWeights().length / 4];
        if (hashed.length > 0) {
            ByteBuffer.wrap(stored.hashedWeights()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(hashed);
        }
        this.hasher = stored.hashBits() > 0 ? new NgramHasher(stored.hashBits()) : null;
        if (hasher != null && hashed.length != 1 << stored.hashBits()) {
            throw new IllegalArgumentException("hashed weights: expected " + (1 << stored.hashBits()) + ", got " + hashed.length);
        }
    }

    /** Packs float weights for {@link Stored#hashedWeights}. */
    public static byte[] pack(float[] weights) {
        ByteBuffer b = ByteBuffer.allocate(weights.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(weights);
        return b.array();
    }

    /** The probability that a text with dense features {@code x} and n-grams {@code ngrams} is an injection. */
    public double score(float[] x, NgramHasher.Sparse ngrams) {
        double z = stored.bias();
        float[] w = stored.weights();
        float[] mean = stored.mean();
        float[] scale = stored.scale();
        for (int i = 0; i < w.length; i++) {
            z += w[i] * (x[i] - mean[i]) * scale[i];
        }
        if (ngrams != null) {
            int[] idx = ngrams.index();
            float[] val = ngrams.value();
            for (int k = 0; k < idx.length; k++) {
                z += hashed[idx[k]] * val[k];
            }
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** The n-gram hasher matching the weights, or null if the head has no lexical features. */
    public NgramHasher hasher() {
        return hasher;
    }

    /** The stored form. */
    public Stored stored() {
        return stored;
    }

    /** Reads the head bundled with the plugin. */
    public static LinearHead bundled() {
        try (InputStream in = LinearHead.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the guard plugin");
            }
            return new LinearHead(new ObjectMapper().readValue(in, Stored.class));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }
}
