package dev.portcullis.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.guard.detect.Heuristics;
import dev.portcullis.guard.detect.LinearHead;
import dev.portcullis.guard.detect.NeighbourIndex;
import dev.portcullis.guard.detect.UnicodeTricks;
import dev.portcullis.plugins.embeddings.EmbedderConfig;
import dev.portcullis.plugins.embeddings.OnnxEmbedderFactory;
import dev.portcullis.spi.Embedder;
import dev.portcullis.testkit.TestPluginContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CPU time per layer of the prompt guard over the texts of a labelled file (thread CPU time, so a
 * busy machine does not inflate it). Not a test; run:
 * {@code ./mvnw -B -o test -pl plugins/guard -Dtest=GuardLatencyReport -Dsurefire.failIfNoSpecifiedTests=false}
 */
class GuardLatencyReport {

    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    void layers() throws Exception {
        List<TrainPromptGuard.Row> rows = TrainPromptGuard.read(Path.of(System.getProperty("guard.data",
                "/work/shared/datasets/injection-dev.jsonl")));
        Embedder embedder = new OnnxEmbedderFactory().create(new EmbedderConfig(null, null, null, null, null, 1, null),
                new TestPluginContext());
        LinearHead head = LinearHead.bundled();
        NeighbourIndex index = NeighbourIndex.bundled();
        int n = rows.size();
        long[] rules = new long[n], emb = new long[n], near = new long[n], grams = new long[n];
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            for (int i = 0; i < n; i++) {
                String text = rows.get(i).text();
                long t0 = CPU.getCurrentThreadCpuTime();
                UnicodeTricks.Findings f = UnicodeTricks.inspect(text);
                Heuristics.features(f);
                long t1 = CPU.getCurrentThreadCpuTime();
                String s = f.normalised();
                int cap = head.stored().embedChars();
                float[] v = embedder.embed(cap > 0 && s.length() > cap ? s.substring(0, cap) : s);
                long t2 = CPU.getCurrentThreadCpuTime();
                index.nearest(v);
                long t3 = CPU.getCurrentThreadCpuTime();
                head.hasher().hash(s);
                long t4 = CPU.getCurrentThreadCpuTime();
                rules[i] = t1 - t0;
                emb[i] = t2 - t1;
                near[i] = t3 - t2;
                grams[i] = t4 - t3;
            }
        }
        print("heuristics", rules);
        print("embedding (" + head.stored().embedChars() + " chars)", emb);
        print("neighbour scan", near);
        print("n-gram hashing", grams);
        ((AutoCloseable) embedder).close();
        assertThat(n).isPositive();
    }

    static void print(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-24s cpu p50 %.3f ms, p99 %.3f ms%n", name, s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6);
    }
}
