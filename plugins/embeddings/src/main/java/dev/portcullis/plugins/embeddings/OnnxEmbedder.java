package dev.portcullis.plugins.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Embedder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Embedder} over one ONNX Runtime session, which is thread-safe and shares its weights
 * between concurrent runs; a semaphore bounds how many run at once so that native inference never
 * occupies every carrier thread of the virtual-thread scheduler.
 */
final class OnnxEmbedder implements Embedder, AutoCloseable {

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final String model;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final boolean meanPooling;
    private final boolean normalize;
    private final boolean wantsTokenTypes;
    private final int permits;
    private final Semaphore slots;
    private final int dimensions;
    private volatile boolean closed;

    OnnxEmbedder(String model, HuggingFaceTokenizer tokenizer, OrtSession session, EmbedderConfig config) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.session = session;
        this.meanPooling = config.pooling() == EmbedderConfig.Pooling.MEAN;
        this.normalize = config.normalize();
        this.permits = config.concurrency();
        this.slots = new Semaphore(permits);
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new ConfigException("model", "expected inputs input_ids and attention_mask, the model has " + inputs);
        }
        this.wantsTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
        // One probe run finds the width (often dynamic in the metadata) and warms the session up.
        this.dimensions = run("dimension probe").length;
    }

    @Override
    public float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        if (closed) {
            throw new IllegalStateException("embedder " + model + " is closed");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to embed", e);
        }
        try {
            // One input per run: the quantized model scales activations over the whole batch, so
            // a batched vector would depend on its neighbours (cosine 0.97 instead of 1 measured);
            // batches also gave no per-item speed-up on this CPU.
            List<float[]> out = new ArrayList<>(texts.size());
            for (String text : texts) {
                out.add(run(text));
            }
            return out;
        } finally {
            slots.release();
        }
    }

    private float[] run(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[] mask = encoding.getAttentionMask();
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> feed = new HashMap<>(4);
        try {
            feed.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feed.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (wantsTokenTypes) {
                feed.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(encoding.getTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(feed)) {
                return pool(result.get(0), ids.length, mask);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("inference failed in " + model + ": " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private float[] pool(OnnxValue output, int seq, long[] mask) {
        if (!(output instanceof OnnxTensor tensor)) {
            throw new IllegalStateException("model " + model + " does not output a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        FloatBuffer values = tensor.getFloatBuffer();
        int dim = (int) shape[shape.length - 1];
        float[] v = new float[dim];
        if (shape.length == 2 || !meanPooling) { // a pooled export, or the first ([CLS]) token
            values.get(0, v);
            return finish(v);
        }
        int count = 0;
        for (int t = 0; t < seq; t++) {
            if (mask[t] == 0) {
                continue;
            }
            count++;
            int off = t * dim;
            for (int d = 0; d < dim; d++) {
                v[d] += values.get(off + d);
            }
        }
        float inv = 1f / Math.max(count, 1);
        for (int d = 0; d < dim; d++) {
            v[d] *= inv;
        }
        return finish(v);
    }

    private float[] finish(float[] v) {
        if (normalize) {
            double sum = 0;
            for (float x : v) {
                sum += x * x;
            }
            float inv = sum == 0 ? 0f : (float) (1 / Math.sqrt(sum));
            for (int d = 0; d < v.length; d++) {
                v[d] *= inv;
            }
        }
        return v;
    }

    /** How many tokens {@code text} becomes after truncation, special tokens included. */
    int tokenCount(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public String model() {
        return model;
    }

    /** Waits briefly for running inferences, then frees the session and the tokenizer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean drained = false;
        try {
            drained = slots.tryAcquire(permits, 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to do: the process keeps running with one leaked session
        } finally {
            tokenizer.close();
            if (drained) {
                slots.release(permits);
            }
        }
    }
}
