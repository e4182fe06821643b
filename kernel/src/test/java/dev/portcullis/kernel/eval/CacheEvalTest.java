package dev.portcullis.kernel.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.SimilarityJudge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Extension;

/**
 * {@code eval cache} over a judge whose verdicts a reader can compute by hand: similarity is the
 * word Jaccard of the two texts, and the verification refuses a pair where only one text says "not".
 */
class CacheEvalTest {

    /** A policy type that is a {@link SimilarityJudge} with the rule above; threshold 0.55. */
    @Extension
    public static final class JaccardJudgeFactory implements PolicyFactory<JaccardJudgeFactory.Config> {
        /** No settings. */
        public record Config() {}

        @Override
        public String type() {
            return "test-jaccard-judge";
        }

        @Override
        public Class<Config> configType() {
            return Config.class;
        }

        @Override
        public Policy create(Config config, PluginContext context) {
            return new JaccardJudge();
        }
    }

    static final class JaccardJudge implements Policy, SimilarityJudge {
        @Override
        public Judgement judge(String a, String b) {
            Set<String> wa = Set.of(a.split(" "));
            Set<String> wb = Set.of(b.split(" "));
            Set<String> both = new HashSet<>(wa);
            both.retainAll(wb);
            Set<String> any = new HashSet<>(wa);
            any.addAll(wb);
            boolean negated = wa.contains("not") != wb.contains("not");
            return new Judgement((double) both.size() / any.size(), !negated, negated ? "negation" : "");
        }

        @Override
        public double threshold() {
            return 0.55;
        }
    }

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run eval(List<String> lines, String use) throws IOException {
        Path data = dir.resolve("pairs.jsonl");
        Files.write(data, lines, StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (TestGateway gw = TestGateway.start("""
                server: { accessLog: { enabled: false }, watchConfig: false }
                policies:
                  judge: { type: test-jaccard-judge }
                  other: { type: test-mark, name: m }
                """)) {
            int code = EvalCommand.run("cache", gw.gateway().current(), data, use,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void ratesPerThresholdWithHardNegativesApartAndVetoesCounted() throws IOException {
        Run r = eval(List.of(
                "{\"a\":\"a b c d\",\"b\":\"a b c d\",\"label\":1,\"category\":\"same\"}",            // 1.0
                "{\"a\":\"a b c d\",\"b\":\"a b c e\",\"label\":1,\"category\":\"same\"}",            // 0.6
                "{\"a\":\"x y\",\"b\":\"x z\",\"label\":0,\"lexical_jaccard\":0.3,\"category\":\"diff\"}",   // 0.33
                "",
                "{\"a\":\"p q r s\",\"b\":\"p q r s not\",\"label\":0,\"lexical_jaccard\":0.8,\"category\":\"diff\"}"), // 0.8, vetoed
                "judge");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 pairs, 2 paraphrases, 2 non-paraphrases (1 hard: lexical_jaccard >= 0.5)");
        // threshold, hit-rate, false-hit, false(hard), false(other), false(no-veto)
        assertThat(columns(r.out(), "0.55*")).containsExactly("0.55*", "100.0%", "0.0%", "0.0%", "0.0%", "50.0%");
        assertThat(columns(r.out(), "0.80")).containsExactly("0.80", "50.0%", "0.0%", "0.0%", "0.0%", "50.0%");
        assertThat(columns(r.out(), "0.85")).containsExactly("0.85", "50.0%", "0.0%", "0.0%", "0.0%", "0.0%");
        assertThat(columns(r.out(), "0.30")).isEmpty();
        assertThat(columns(r.out(), "same")).containsExactly("same", "2", "100.0%", "0", "-");
        assertThat(columns(r.out(), "diff")).containsExactly("diff", "0", "-", "2", "0.0%");
        assertThat(r.out()).contains("negation 1 on non-paraphrases / 0 on paraphrases").contains("latency per pair");
    }

    private static List<String> columns(String out, String first) {
        return out.lines().map(String::strip).filter(l -> l.startsWith(first + " "))
                .findFirst().map(l -> List.of(l.split("\\s+"))).orElse(List.of());
    }

    @Test
    void badInputAndUnknownNamesAreExplained() throws IOException {
        Run missingLabel = eval(List.of("{\"a\":\"x\",\"b\":\"y\",\"label\":1}", "{\"a\":\"x\",\"b\":\"y\"}"), "judge");
        assertThat(missingLabel.code()).isEqualTo(2);
        assertThat(missingLabel.err()).contains("line 2: needs text fields a and b and a label 0 or 1");

        Run notJson = eval(List.of("{oops"), "judge");
        assertThat(notJson.err()).contains("line 1: not JSON");

        Run notAJudge = eval(List.of("{\"a\":\"x\",\"b\":\"y\",\"label\":1}"), "other");
        assertThat(notAJudge.code()).isEqualTo(2);
        assertThat(notAJudge.err()).contains("no policy or component named 'other' that judges similarity");

        Run empty = eval(List.of(""), "judge");
        assertThat(empty.err()).contains("has no pairs");
    }
}
