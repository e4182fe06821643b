package dev.portcullis.plugins.embeddings;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Embedder;
import dev.portcullis.spi.PluginContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Creates {@code type: onnx-embedder} components: a tokenizer and one ONNX Runtime session,
 * loaded from local files or from the MiniLM bundled in the plugin. Never touches the network.
 */
@Extension
public final class OnnxEmbedderFactory implements ComponentFactory<EmbedderConfig, Embedder> {

    static final String BUNDLED_MODEL = "all-minilm-l6-v2-q.onnx";
    static final String BUNDLED_TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    static final String BUNDLED_NAME = "all-MiniLM-L6-v2-q";

    @Override
    public String type() {
        return "onnx-embedder";
    }

    @Override
    public Class<EmbedderConfig> configType() {
        return EmbedderConfig.class;
    }

    @Override
    public Class<Embedder> componentType() {
        return Embedder.class;
    }

    @Override
    public Embedder create(EmbedderConfig config, PluginContext context) {
        return open(config, context.configDir());
    }

    /** Creates an embedder, resolving relative paths against {@code configDir}. */
    static OnnxEmbedder open(EmbedderConfig config, Path configDir) {
        Path modelPath = config.bundled() ? null : existing(configDir, config.model(), "model");
        Path tokenizerPath = config.bundled() ? null : existing(configDir, config.tokenizer(), "tokenizer");
        HuggingFaceTokenizer tokenizer = loadTokenizer(tokenizerPath, config.maxTokens());
        try {
            OrtSession session = openSession(modelPath, config.intraOpThreads());
            String name = modelPath == null ? BUNDLED_NAME : modelPath.toString();
            return new OnnxEmbedder(name, tokenizer, session, config);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static Path existing(Path configDir, String value, String key) {
        Path p = configDir == null ? Path.of(value) : configDir.resolve(value);
        if (!Files.isRegularFile(p)) {
            throw new ConfigException(key, "no such file: " + p);
        }
        if (!Files.isReadable(p)) {
            throw new ConfigException(key, "not readable: " + p);
        }
        return p;
    }

    private static HuggingFaceTokenizer loadTokenizer(Path path, int maxTokens) {
        // Explicit options override what tokenizer.json says: the bundled one pads and truncates to a fixed 128.
        Map<String, String> options = Map.of(
                "truncation", "true",
                "padding", "false",
                "maxLength", Integer.toString(maxTokens),
                "addSpecialTokens", "true");
        try {
            if (path != null) {
                return HuggingFaceTokenizer.newInstance(path, options);
            }
            try (InputStream in = bundled(BUNDLED_TOKENIZER)) {
                return HuggingFaceTokenizer.newInstance(in, options);
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("tokenizer", "could not load " + (path == null ? BUNDLED_TOKENIZER : path) + ": " + e.getMessage());
        }
    }

    private static OrtSession openSession(Path path, int intraOpThreads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (path != null) {
                return env.createSession(path.toString(), options);
            }
            try (InputStream in = bundled(BUNDLED_MODEL)) {
                return env.createSession(in.readAllBytes(), options);
            }
        } catch (OrtException | IOException e) {
            throw new ConfigException("model", "not a loadable ONNX model " + (path == null ? BUNDLED_MODEL : path) + ": " + e.getMessage());
        }
    }

    private static InputStream bundled(String resource) throws IOException {
        // Our own loader (the plugin's), not the context loader: the resource ships in the plugin's lib/.
        InputStream in = OnnxEmbedderFactory.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " is missing from the plugin");
        }
        return in;
    }

    @Override
    public String description() {
        return "Sentence embeddings with ONNX Runtime (bundled all-MiniLM-L6-v2 or a local model)";
    }
}
