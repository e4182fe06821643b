package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.eval.EvalCommand;
import dev.portcullis.kernel.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code eval cache} in process over a labelled pair file ({@code -Deval.data=FILE}, default
 * the team's paraphrase dev set) with the bundled MiniLM, as {@code bin/portcullis eval cache}
 * does from a distribution. Not matched by Surefire's {@code *Test} pattern: run it by name.
 * {@code -Deval.threshold} and {@code -Deval.verification} change the policy under test;
 * {@code -Deval.model=FILE.onnx -Deval.tokenizer=tokenizer.json -Deval.pooling=cls} another embedder.
 */
class SemanticCacheEvalReport {

    private static String embedder() {
        String model = System.getProperty("eval.model");
        if (model == null) {
            return "{ type: onnx-embedder }";
        }
        return "{ type: onnx-embedder, model: \"%s\", tokenizer: \"%s\", pooling: %s, maxTokens: 256 }"
                .formatted(model, System.getProperty("eval.tokenizer"), System.getProperty("eval.pooling", "mean"));
    }

    @Test
    void report() {
        Path data = Path.of(System.getProperty("eval.data", "/work/shared/datasets/paraphrase-dev.jsonl"));
        assertThat(data).exists();
        String yaml = """
                server: { accessLog: { enabled: false }, watchConfig: false }
                components:
                  minilm: %s
                policies:
                  semantic: { type: semantic-cache, embedder: minilm, threshold: %s, verification: %s }
                """.formatted(embedder(), System.getProperty("eval.threshold", "0.85"), System.getProperty("eval.verification", "standard"));
        try (TestGateway gw = TestGateway.start(yaml)) {
            int code = EvalCommand.run("cache", gw.gateway().current(), data, "semantic", System.out, System.err);
            assertThat(code).isZero();
        }
    }
}
