package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.llm.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The meters of a call are registered once per tag set, and record exactly what they did before. */
class GenAiMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GenAiMetrics metrics = new GenAiMetrics(registry);

    @Test
    void callsWithTheSameTagsAddUpInOneTimerAndTheirTokensInTwoSummaries() {
        for (int i = 0; i < 3; i++) {
            metrics.record(null, "chat", "gpt-x", new Usage(10, 4, 0, 0), 1_000_000, null);
        }
        var duration = registry.get("gen_ai.client.operation.duration").tag("error.type", "none").timer();
        assertThat(duration.count()).isEqualTo(3);
        assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount()).isEqualTo(30);
        assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "output").summary().totalAmount()).isEqualTo(12);
    }

    @Test
    void failedCallsAndAnswersWithoutUsageRecordNoTokens() {
        metrics.record(null, "chat", null, null, 1_000_000, "503");
        metrics.record(null, "chat", "gpt-x", null, 1_000_000, null);
        assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "503").timer().count()).isEqualTo(1);
        assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "none").timer().count()).isEqualTo(1);
        assertThat(registry.find("gen_ai.client.token.usage").meters()).isEmpty();

        // the same tags with usage afterwards: the same timer, and now the token summaries
        metrics.record(null, "chat", "gpt-x", new Usage(7, 2, 0, 0), 1_000_000, null);
        assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "none").timer().count()).isEqualTo(2);
        assertThat(registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summary().totalAmount()).isEqualTo(7);
    }

    @Test
    void beyondTheRememberedTagSetsEveryCallIsStillRecorded() {
        for (int i = 0; i < 1100; i++) {
            metrics.record(null, "chat", "model-" + i, new Usage(1, 1, 0, 0), 1_000_000, null);
        }
        for (int i = 0; i < 1100; i++) {
            metrics.record(null, "chat", "model-" + i, new Usage(1, 1, 0, 0), 1_000_000, null);
        }
        assertThat(registry.find("gen_ai.client.operation.duration").timers())
                .hasSize(1100).allSatisfy(t -> assertThat(t.count()).isEqualTo(2));
    }
}
