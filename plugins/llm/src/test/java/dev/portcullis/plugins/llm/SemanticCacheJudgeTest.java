package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.spi.SimilarityJudge;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The configured policy as the {@link SimilarityJudge} that {@code eval cache} measures, with real
 * MiniLM inference: the seed example and prompt pairs whose verdict a reader can check. Prints
 * the similarities that docs/semantic-cache.md quotes.
 */
class SemanticCacheJudgeTest {

    static TestGateway gateway;
    static SimilarityJudge judge;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false }, watchConfig: false }
                components:
                  minilm: { type: onnx-embedder }
                policies:
                  semantic: { type: semantic-cache, embedder: minilm }
                """);
        judge = gateway.gateway().current().policyOrComponent("semantic", SimilarityJudge.class).orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static SimilarityJudge.Judgement judged(String a, String b) {
        SimilarityJudge.Judgement j = judge.judge(a, b);
        System.out.printf(Locale.ROOT, "similarity %.3f verified %-5s %-10s %s | %s%n", j.similarity(), j.verified(), j.reason(), a, b);
        return j;
    }

    @Test
    void theSeedExample() {
        assertThat(judge.threshold()).isEqualTo(0.85);
        SimilarityJudge.Judgement summary = judged("Summarize this document", "Give me a summary of this text");
        assertThat(summary.matches(judge.threshold())).isTrue();
        SimilarityJudge.Judgement capitals = judged("What is the capital of France?", "What is the capital of Germany?");
        assertThat(capitals.matches(judge.threshold())).isFalse();
        assertThat(capitals.reason()).isEqualTo("entity");
    }

    @Test
    void everydayPromptPairs() {
        assertThat(judged("How do I reset my password?", "How can I reset my password?").matches(0.85)).isTrue();
        assertThat(judged("Please explain what a portcullis is", "Could you explain what a portcullis is?").matches(0.85)).isTrue();
        assertThat(judged("Translate this text to French", "Translate this text to German").matches(0.85)).isFalse();
        assertThat(judged("Sort the numbers in ascending order", "Sort the numbers in descending order").matches(0.85)).isFalse();
        assertThat(judged("Convert 100 Celsius to Fahrenheit", "Convert 100 Fahrenheit to Celsius").matches(0.85)).isFalse();
        judged("What is a drawbridge?", "Please tell me what a drawbridge is");
        assertThat(judged("Write a poem about the sea", "Write a poem about the mountains").matches(0.85)).isFalse();
    }
}
