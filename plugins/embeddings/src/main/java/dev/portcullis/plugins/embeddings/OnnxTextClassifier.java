package dev.portcullis.plugins.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.TextClassifier;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A local ONNX sequence classifier ({@code model.onnx} + {@code tokenizer.json}, e.g. a
 * fine-tuned DeBERTa prompt-injection model exported with Optimum): class probabilities for one
 * text. Loaded once at config time; a missing or invalid model fails the config with the path in
 * the message. One session, shared by all requests (ONNX Runtime sessions are thread-safe).
 */
final class OnnxTextClassifier implements TextClassifier, AutoCloseable {

    static final String MODEL_FILE = "model.onnx";
    static final String TOKENIZER_FILE = "tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;
    private final OrtSession session;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final boolean wantsMask;
    private final boolean wantsTypes;
    private final int classes;
    private final String name;

    private OnnxTextClassifier(HuggingFaceTokenizer tokenizer, OrtSession session, String name) {
        this.tokenizer = tokenizer;
        this.session = session;
        this.name = name;
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains("input_ids")) {
            throw new ConfigException("path", name + ": the model has no input_ids input (inputs: " + inputs + ")");
        }
        this.wantsMask = inputs.contains("attention_mask");
        this.wantsTypes = inputs.contains("token_type_ids");
        long width;
        try {
            NodeInfo out = session.getOutputInfo().values().iterator().next();
            if (!(out.getInfo() instanceof TensorInfo t) || t.getShape().length != 2) {
                throw new ConfigException("path", name + ": expected logits [batch, classes] as the first output, got " + out.getInfo());
            }
            width = t.getShape()[1];
        } catch (OrtException e) {
            throw new ConfigException("path", name + ": cannot read the model's outputs: " + e.getMessage());
        }
        // a dynamic width is learnt from one probe run
        this.classes = width > 0 ? (width == 1 ? 2 : (int) width) : classify("probe").length;
    }

    /** Opens {@code config.path()} (relative to {@code configDir}). */
    static OnnxTextClassifier open(ClassifierConfig config, Path configDir) {
        Path dir = configDir == null ? Path.of(config.path()) : configDir.resolve(config.path());
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("path", "no such folder: " + dir + " (expected " + MODEL_FILE + " and " + TOKENIZER_FILE + ")");
        }
        Path model = dir.resolve(MODEL_FILE);
        Path tokenizerFile = dir.resolve(TOKENIZER_FILE);
        for (Path p : new Path[] {model, tokenizerFile}) {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new ConfigException("path", "missing or unreadable " + p);
            }
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of(
                    "truncation", "true", "padding", "false",
                    "maxLength", Integer.toString(config.maxTokens()), "addSpecialTokens", "true"));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("path", "not a loadable tokenizer " + tokenizerFile + ": " + e.getMessage());
        }
        try {
            OrtSession session;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(config.intraOpThreads());
                options.setInterOpNumThreads(1);
                session = OrtEnvironment.getEnvironment().createSession(model.toString(), options);
            } catch (OrtException e) {
                throw new ConfigException("path", "not a loadable ONNX model " + model + ": " + e.getMessage());
            }
            return new OnnxTextClassifier(tokenizer, session, dir.toString());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public float[] classify(String text) {
        Encoding enc = tokenizer.encode(text);
        long[] ids = enc.getIds();
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> feed = new HashMap<>(4);
        try {
            feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            if (wantsMask) {
                feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(enc.getAttentionMask()), shape));
            }
            if (wantsTypes) {
                feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(enc.getTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(feed)) {
                float[] logits = ((float[][]) result.get(0).getValue())[0];
                if (logits.length == 1) {
                    float p = (float) (1 / (1 + Math.exp(-logits[0])));
                    return new float[] {1 - p, p};
                }
                double max = Double.NEGATIVE_INFINITY;
                for (float l : logits) {
                    max = Math.max(max, l);
                }
                double sum = 0;
                for (float l : logits) {
                    sum += Math.exp(l - max);
                }
                float[] p = new float[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    p[i] = (float) (Math.exp(logits[i] - max) / sum);
                }
                return p;
            }
        } catch (OrtException | ClassCastException e) {
            throw new IllegalStateException("classifier " + name + " failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public String model() {
        return name;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // the process keeps one leaked session
        } finally {
            tokenizer.close();
        }
    }
}
