package dev.portcullis.plugins.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real inference with the bundled all-MiniLM-L6-v2 (quantized) from Maven Central. */
class OnnxEmbedderTest {

    static OnnxEmbedder minilm;

    @BeforeAll
    static void load() {
        minilm = OnnxEmbedderFactory.open(new EmbedderConfig(null, null, null, null, null, 4, null), null);
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    static double cos(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    double sim(String a, String b) {
        return cos(minilm.embed(a), minilm.embed(b));
    }

    @Test
    void vectorsHave384UnitNormDimensions() {
        float[] v = minilm.embed("What is the capital of France?");
        assertThat(minilm.dimensions()).isEqualTo(384);
        assertThat(v).hasSize(384);
        assertThat(cos(v, v)).isCloseTo(1.0, within(1e-5));
        assertThat(minilm.model()).isEqualTo("all-MiniLM-L6-v2-q");
    }

    @Test
    void paraphrasesScoreHigherThanUnrelatedText() {
        double summary = sim("Summarize this document", "Give me a summary of this text");
        double summaryVsWeather = sim("Summarize this document", "The weather in Lisbon is sunny today");
        double closeParaphrase = sim("How do I reset my password?", "How can I reset my password?");
        double capitals = sim("What is the capital of France?", "What is the capital of Germany?");
        double capitalVsRecipe = sim("What is the capital of France?", "Add two eggs and whisk the batter");
        System.out.printf("cosine: summary=%.3f summary/weather=%.3f close=%.3f capitals=%.3f capital/recipe=%.3f%n",
                summary, summaryVsWeather, closeParaphrase, capitals, capitalVsRecipe);

        assertThat(summary).isGreaterThan(summaryVsWeather + 0.3);
        assertThat(capitals).isGreaterThan(capitalVsRecipe + 0.3);
        assertThat(closeParaphrase).isGreaterThan(summary).isGreaterThan(0.8);
        // MiniLM cannot separate these by a threshold: two questions with different answers score
        // higher than a loose paraphrase (the semantic cache must verify, not trust the score).
        assertThat(capitals).isGreaterThan(summary);
    }

    @Test
    void longInputIsTruncatedToMaxTokens() {
        String words = "the quick brown fox jumps over the lazy dog ".repeat(60); // ~540 tokens
        float[] long1 = minilm.embed(words);
        float[] long2 = minilm.embed(words + "and then something entirely different about quantum chromodynamics");
        float[] shortOne = minilm.embed("the quick brown fox jumps over the lazy dog");
        assertThat(long1).hasSize(384);
        // Everything past maxTokens (256) is cut off, so what follows it changes nothing.
        assertThat(long2).containsExactly(long1, within(1e-6f));
        assertThat(cos(long1, shortOne)).isLessThan(0.9999);
    }

    @Test
    void batchesGiveTheVectorsOfSingleInputs() {
        List<String> texts = List.of("short", "a somewhat longer sentence that needs padding in the batch", "third one");
        List<float[]> batch = minilm.embedAll(texts);
        assertThat(batch).hasSize(3);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.get(i)).containsExactly(minilm.embed(texts.get(i)), within(1e-6f));
        }
        assertThat(minilm.embedAll(List.of())).isEmpty();
    }

    @Test
    void concurrentEmbeddingGivesTheSameVectorsAsSequential() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            texts.add("request number " + i + " asks about topic " + (char) ('a' + i));
        }
        List<float[]> sequential = texts.stream().map(minilm::embed).toList();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String t : texts) {
                    futures.add(pool.submit(() -> minilm.embed(t)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).containsExactly(sequential.get(i % texts.size()), within(1e-6f));
            }
        }
    }

    @Test
    void clsPoolingAndNoNormalisationAreHonoured() {
        try (OnnxEmbedder cls = OnnxEmbedderFactory.open(
                new EmbedderConfig(null, null, EmbedderConfig.Pooling.CLS, false, 64, 1, null), null)) {
            float[] raw = cls.embed("Summarize this document");
            assertThat(raw).hasSize(384);
            assertThat(cos(raw, raw)).isNotCloseTo(1.0, within(1e-3));
            float[] mean = minilm.embed("Summarize this document");
            double norm = Math.sqrt(cos(raw, raw));
            assertThat(cos(raw, mean) / norm).isLessThan(0.9999);
        }
    }
}
