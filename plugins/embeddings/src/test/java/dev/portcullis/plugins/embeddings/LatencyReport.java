package dev.portcullis.plugins.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Prints single-query latency p50/p99 of the bundled MiniLM for a short and a long input; the
 * numbers go to the README. A bounded loop, not a benchmark: nothing about speed is asserted.
 */
class LatencyReport {

    static final String SHORT = "What is the capital of France? Please answer in one short sentence."; // 14 tokens + 2 special
    static final String LONG = ("Portcullis is one Java process that is an API gateway, an AI gateway and an MCP gateway. "
            + "It routes requests, enforces policies such as rate limits, authentication and guards, and forwards "
            + "traffic to upstream services over HTTP with virtual threads. ").repeat(5);

    @Test
    void singleQueryLatency() {
        try (OnnxEmbedder e = OnnxEmbedderFactory.open(new EmbedderConfig(null, null, null, null, null, 1, null), null)) {
            System.out.printf("tokens: short %d, long %d (special tokens included)%n", e.tokenCount(SHORT), e.tokenCount(LONG));
            report(e, "short", SHORT, 200);
            report(e, "long", LONG, 40);
        }
    }

    private static void report(OnnxEmbedder e, String label, String text, int runs) {
        for (int i = 0; i < 5; i++) {
            e.embed(text); // warm-up
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            e.embed(text);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        assertThat(nanos[0]).isPositive();
        System.out.printf("latency %s (%d chars): p50 %.2f ms, p99 %.2f ms over %d runs%n", label, text.length(),
                nanos[runs / 2] / 1e6, nanos[(int) (runs * 0.99)] / 1e6, runs);
    }
}
