package dev.portcullis.plugins.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.testkit.CollectingConfigErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedderConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaults() {
        var c = new EmbedderConfig(null, null, null, null, null, null, null);
        assertThat(c.bundled()).isTrue();
        assertThat(c.pooling()).isEqualTo(EmbedderConfig.Pooling.MEAN);
        assertThat(c.normalize()).isTrue();
        assertThat(c.maxTokens()).isEqualTo(256);
        assertThat(c.concurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.intraOpThreads()).isEqualTo(1);
    }

    @Test
    void reportsEveryProblem() {
        assertThat(CollectingConfigErrors.of(new EmbedderConfig("m.onnx", null, null, null, 1, 0, 0))).containsExactly(
                "tokenizer: required with model (the model's tokenizer.json)",
                "maxTokens: must be between 2 and 8192",
                "concurrency: must be between 1 and 256",
                "intraOpThreads: must be between 1 and 64");
    }

    @Test
    void missingModelFileIsNamed() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        var config = new EmbedderConfig("models/bge/model.onnx", "tokenizer.json", null, null, null, null, null);
        assertThatThrownBy(() -> OnnxEmbedderFactory.open(config, dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.path()).isEqualTo("model");
                    assertThat(e.getMessage()).isEqualTo("no such file: " + dir.resolve("models/bge/model.onnx"));
                });
    }

    @Test
    void brokenTokenizerAndModelAreReported() throws Exception {
        Path model = Files.writeString(dir.resolve("model.onnx"), "not a model");
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        assertThatThrownBy(() -> OnnxEmbedderFactory.open(new EmbedderConfig(model.toString(), tokenizer.toString(), null, null, null, null, null), dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.path()).isEqualTo("tokenizer");
                    assertThat(e.getMessage()).startsWith("could not load " + tokenizer);
                });

        // A valid tokenizer (the bundled one, copied) with a file that is not an ONNX model.
        try (var in = OnnxEmbedderFactory.class.getClassLoader().getResourceAsStream(OnnxEmbedderFactory.BUNDLED_TOKENIZER)) {
            Files.copy(in, tokenizer, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThatThrownBy(() -> OnnxEmbedderFactory.open(new EmbedderConfig("model.onnx", "tokenizer.json", null, null, null, null, null), dir))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.path()).isEqualTo("model");
                    assertThat(e.getMessage()).startsWith("not a loadable ONNX model " + model);
                });
    }
}
