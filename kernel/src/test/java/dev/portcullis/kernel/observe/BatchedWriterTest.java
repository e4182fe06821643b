package dev.portcullis.kernel.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The writer's sleep when no lines come, and its wake-up by the next line. */
class BatchedWriterTest {

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    String written() {
        return bytes.toString(StandardCharsets.UTF_8); // synchronized with the writer's write
    }

    static boolean within(long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    @Test
    void theWriterSleepsAfterAQuietSecondAndTheNextLineWakesIt() throws Exception {
        BatchedWriter<String> w = new BatchedWriter<>("test-batched-writer", 100, TimeUnit.MILLISECONDS.toNanos(5),
                (line, b) -> b.append(line).append('\n'), bytes, StandardCharsets.UTF_8, () -> { });
        try {
            w.offer("before");
            assertThat(within(5, () -> written().equals("before\n"))).isTrue();
            assertThat(within(5, w::asleep)).as("asleep after a quiet second").isTrue();
            Thread.sleep(50); // asleep means parked: nothing is written meanwhile, nothing is lost
            assertThat(written()).isEqualTo("before\n");

            w.offer("after");
            assertThat(within(5, () -> written().equals("before\nafter\n"))).as(written()).isTrue();
            assertThat(w.asleep()).isFalse();
        } finally {
            w.close();
        }
    }

    @Test
    void closingASleepingWriterStopsIt() throws Exception {
        BatchedWriter<String> w = new BatchedWriter<>("test-batched-writer", 100, TimeUnit.MILLISECONDS.toNanos(5),
                (line, b) -> b.append(line).append('\n'), bytes, StandardCharsets.UTF_8, () -> { });
        assertThat(within(5, w::asleep)).isTrue();
        long start = System.nanoTime();
        w.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        w.writeNow("after close");
        assertThat(written()).isEqualTo("after close\n");
    }
}
