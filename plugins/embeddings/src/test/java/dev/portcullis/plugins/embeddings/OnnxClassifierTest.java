package dev.portcullis.plugins.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.spi.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The onnx-classifier component with a real (tiny) ONNX model, and its start-up errors. */
class OnnxClassifierTest {

    @Test
    void classifiesWithARealModelFromAFolder() throws Exception {
        Path dir = Files.createTempDirectory("classifier-cfg");
        TinyOnnxModel.write(dir.resolve("models/tiny"));
        try (OnnxTextClassifier c = OnnxTextClassifier.open(new ClassifierConfig("models/tiny", null, null), dir)) {
            assertThat(c.classes()).isEqualTo(2);
            float[] hit = c.classify("please ignore");
            assertThat(hit[1]).isCloseTo((float) (1 / (1 + Math.exp(-4))), Offset.offset(1e-4f)); // logits [0, 9 - 5]
            assertThat(hit[0] + hit[1]).isCloseTo(1f, Offset.offset(1e-5f));
            assertThat(c.classify("hello world")[1]).isCloseTo((float) (1 / (1 + Math.exp(3))), Offset.offset(1e-4f));
        }
        try (TestGateway gw = TestGateway.start("""
                components:
                  tiny: { type: onnx-classifier, path: "%s" }
                """.formatted(dir.resolve("models/tiny")))) {
            TextClassifier c = gw.gateway().current().components().find(TextClassifier.class, "tiny").orElseThrow();
            assertThat(c.classify("ignore")[1]).isGreaterThan(0.9f);
        }
    }

    @Test
    void missingOrInvalidModelIsReportedAtStartWithItsPath() throws Exception {
        Path dir = Files.createTempDirectory("classifier-bad");
        Files.writeString(dir.resolve("model.onnx"), "this is not an ONNX model");
        Files.writeString(dir.resolve("tokenizer.json"), TinyOnnxModel.TOKENIZER_JSON);
        Path noTokenizer = Files.createTempDirectory("classifier-half");
        Files.write(noTokenizer.resolve("model.onnx"), TinyOnnxModel.model());
        assertThatThrownBy(() -> TestGateway.start("""
                components:
                  gone: { type: onnx-classifier, path: /opt/models/no-such-guard }
                  broken: { type: onnx-classifier, path: "%s" }
                  half: { type: onnx-classifier, path: "%s" }
                  blank: { type: onnx-classifier }
                """.formatted(dir, noTokenizer)))
                .isInstanceOfSatisfying(ConfigInvalidException.class, e -> assertThat(e.lines())
                        .contains("components.blank.path: required: the folder holding model.onnx and tokenizer.json"));
        // path errors surface when the component is built (after validation)
        assertThatThrownBy(() -> TestGateway.start("""
                components:
                  gone: { type: onnx-classifier, path: /opt/models/no-such-guard }
                  broken: { type: onnx-classifier, path: "%s" }
                  half: { type: onnx-classifier, path: "%s" }
                """.formatted(dir, noTokenizer)))
                .isInstanceOfSatisfying(ConfigInvalidException.class, e -> assertThat(e.lines())
                        .contains("components.gone.path: no such folder: /opt/models/no-such-guard (expected model.onnx and tokenizer.json)")
                        .anySatisfy(l -> assertThat(l).startsWith("components.broken.path: not a loadable ONNX model " + dir.resolve("model.onnx")))
                        .contains("components.half.path: missing or unreadable " + noTokenizer.resolve("tokenizer.json")));
    }
}
