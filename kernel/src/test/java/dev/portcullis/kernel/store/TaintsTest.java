package dev.portcullis.kernel.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Taints;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Taint marks round-trip through a real local store, expire, and are keyed like limits and budgets. */
class TaintsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LocalStateStore store = new LocalStateStore(100, now::get);

    @Test
    void aMarkIsReadBackUntilItExpires() {
        Instant at = Instant.parse("2026-11-24T10:15:30Z");
        Taints.mark(store, "support-agent", new Taints.Taint("ai/prompt-guard", "heuristic:instruction-override\nx",
                "run-7", at), Duration.ofMinutes(10));
        Taints.Taint t = Taints.find(store, "support-agent").orElseThrow();
        assertThat(t).isEqualTo(new Taints.Taint("ai/prompt-guard", "heuristic:instruction-override x", "run-7", at));
        assertThat(Taints.find(store, "someone-else")).isEmpty();

        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(Taints.find(store, "support-agent")).isEmpty();
    }

    @Test
    void clearLiftsAMark() {
        Taints.mark(store, "a", new Taints.Taint("ai/prompt-guard", "r", null, Instant.EPOCH), Duration.ofMinutes(1));
        Taints.clear(store, "a");
        assertThat(Taints.find(store, "a")).isEmpty();
    }

    @Test
    void agentsAreKeyedByConsumerElseSubject() {
        assertThat(Taints.agentKey(new Identity("agent-7", "https://issuer", "jwt", Set.of(), Map.of(), "support", Map.of())))
                .isEqualTo("support");
        assertThat(Taints.agentKey(new Identity("agent-7", "https://issuer", "jwt", Set.of(), Map.of(), null, Map.of()))).isEqualTo("sub:agent-7");
    }
}
