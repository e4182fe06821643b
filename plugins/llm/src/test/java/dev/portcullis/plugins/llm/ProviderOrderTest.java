package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.llm.ProviderEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provider order per strategy, and {@code Retry-After} parsing. */
class ProviderOrderTest {

    static Provider provider(String name, int weight) {
        return new Provider(name, Providers.BUILT_IN.get("openai"), new ProviderEndpoint(name, "http://127.0.0.1:1", "k", Map.of()),
                Map.of("chat", "m"), weight);
    }

    static List<String> names(Provider[] ps) {
        return Arrays.stream(ps).map(p -> p.name).toList();
    }

    @Test
    void weightedPicksTheFirstByWeightAndKeepsTheOthersAsFallbacks() {
        Provider a = provider("a", 3);
        Provider b = provider("b", 1);
        Provider never = provider("never", 0);
        ProviderOrder order = new ProviderOrder(LlmBackendConfig.Strategy.WEIGHTED);
        int aFirst = 0;
        int n = 8000;
        for (int i = 0; i < n; i++) {
            List<String> o = names(order.order(List.of(a, b, never), System.nanoTime()));
            assertThat(o).containsExactlyInAnyOrder("a", "b", "never");
            assertThat(o.get(0)).isNotEqualTo("never");
            assertThat(o.get(2)).isEqualTo("never"); // the rest keep config order
            aFirst += o.get(0).equals("a") ? 1 : 0;
        }
        // 3:1 → a first 75% of the time; ±3 points is > 8 standard deviations at n = 8000
        assertThat(aFirst / (double) n).isBetween(0.72, 0.78);
    }

    @Test
    void coolingDownProvidersGoLastInEveryStrategy() {
        long now = System.nanoTime();
        for (LlmBackendConfig.Strategy s : LlmBackendConfig.Strategy.values()) {
            Provider a = provider("a", 1);
            Provider b = provider("b", 0);
            a.coolDown(Duration.ofSeconds(5), now);
            assertThat(names(new ProviderOrder(s).order(List.of(a, b), now))).as(s.name()).containsExactly("b", "a");
            // after the cool-down, order is the strategy's again
            assertThat(a.coolingDown(now + Duration.ofSeconds(6).toNanos())).isFalse();
        }
    }

    @Test
    void leastLatencyOrdersByTheMovingAverageWithUnmeasuredFirst() {
        Provider slow = provider("slow", 1);
        Provider fast = provider("fast", 1);
        Provider fresh = provider("fresh", 1);
        slow.recordLatency(80_000_000);
        fast.recordLatency(2_000_000);
        ProviderOrder order = new ProviderOrder(LlmBackendConfig.Strategy.LEAST_LATENCY);
        assertThat(names(order.order(List.of(slow, fast, fresh), System.nanoTime()))).containsExactly("fresh", "fast", "slow");
        // one slow sample moves the average by α = 0.3, not all the way
        fast.recordLatency(102_000_000);
        assertThat(fast.latencyNanos()).isEqualTo(32_000_000);
        assertThat(names(order.order(List.of(slow, fast), System.nanoTime()))).containsExactly("fast", "slow");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDateCappedAtAnHour() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("7", clock)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Tue, 24 Nov 2026 10:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Tue, 24 Nov 2026 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("86400", clock)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse("-1", clock)).isNull();
        assertThat(RetryAfter.parse(null, clock)).isNull();
    }
}
