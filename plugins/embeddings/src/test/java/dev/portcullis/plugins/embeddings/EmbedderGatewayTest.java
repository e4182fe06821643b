package dev.portcullis.plugins.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.spi.Embedder;
import org.junit.jupiter.api.Test;

/** The factory through the kernel: found by its extension index, bound, validated and created. */
class EmbedderGatewayTest {

    @Test
    void declaredComponentIsCreatedAndEmbeds() {
        try (TestGateway gw = TestGateway.start("""
                components:
                  minilm: { type: onnx-embedder, maxTokens: 128, concurrency: 2 }
                """)) {
            Embedder e = gw.gateway().current().components().find(Embedder.class, "minilm").orElseThrow();
            assertThat(e.dimensions()).isEqualTo(384);
            assertThat(e.embed("hello gateway")).hasSize(384);
        }
    }

    @Test
    void missingModelIsReportedWithItsConfigPath() {
        assertThatThrownBy(() -> TestGateway.start("""
                components:
                  bge: { type: onnx-embedder, model: /opt/models/bge-small/model.onnx, tokenizer: /opt/models/bge-small/tokenizer.json, pooling: cls, maxTokens: 512 }
                  bad: { type: onnx-embedder, pooling: max }
                  small: { type: onnx-embedder, maxTokens: 1 }
                """))
                .isInstanceOfSatisfying(ConfigInvalidException.class, e -> assertThat(e.lines())
                        .contains("components.bge.model: no such file: /opt/models/bge-small/model.onnx")
                        .anySatisfy(l -> assertThat(l).startsWith("components.bad.pooling"))
                        .contains("components.small.maxTokens: must be between 2 and 8192"));
    }
}
