package dev.portcullis.kernel.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class BackgroundConsoleHandlerTest {

    static final long NEVER = TimeUnit.HOURS.toNanos(1);

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    BackgroundConsoleHandler handler(int capacity, long drainNanos) {
        BackgroundConsoleHandler h = new BackgroundConsoleHandler(
                new PrintStream(bytes, false, StandardCharsets.UTF_8), capacity, drainNanos);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return r.getMessage() + "\n";
            }
        });
        return h;
    }

    String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static LogRecord line(Level level, String message) {
        return new LogRecord(level, message);
    }

    @Test
    void linesWaitForTheWriterAndKeepTheirOrder() {
        BackgroundConsoleHandler h = handler(100, NEVER);
        h.publish(line(Level.INFO, "a"));
        h.publish(line(Level.WARNING, "b"));
        h.publish(line(Level.INFO, "c"));
        assertThat(written()).isEmpty();
        h.flush();
        assertThat(written()).isEqualTo("a\nb\nc\n");
        h.close();
    }

    @Test
    void theBackgroundThreadWritesWithoutBeingAsked() throws Exception {
        BackgroundConsoleHandler h = handler(100, TimeUnit.MILLISECONDS.toNanos(5));
        h.publish(line(Level.INFO, "tick"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (written().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(written()).isEqualTo("tick\n");
        h.close();
    }

    @Test
    void aSevereRecordIsWrittenAtOnceAfterWhatWasQueued() {
        BackgroundConsoleHandler h = handler(100, NEVER);
        h.publish(line(Level.INFO, "before"));
        h.publish(line(Level.SEVERE, "fatal"));
        assertThat(written()).isEqualTo("before\nfatal\n");
        h.close();
    }

    @Test
    void aFullQueueMakesTheCallerWriteAndNothingIsLost() {
        BackgroundConsoleHandler h = handler(2, NEVER);
        for (int i = 1; i <= 5; i++) {
            h.publish(line(Level.INFO, "l" + i));
        }
        assertThat(written()).isEqualTo("l1\nl2\nl3\n"); // the third found the queue full
        h.flush();
        assertThat(written()).isEqualTo("l1\nl2\nl3\nl4\nl5\n");
        h.close();
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterRecordsAreWrittenByTheirCallers() {
        BackgroundConsoleHandler h = handler(100, NEVER);
        h.publish(line(Level.INFO, "queued"));
        h.close();
        assertThat(written()).isEqualTo("queued\n");
        h.publish(line(Level.INFO, "stopped"));
        assertThat(written()).isEqualTo("queued\nstopped\n");
    }

    @Test
    void recordsBelowTheLevelAreNotWritten() {
        BackgroundConsoleHandler h = handler(100, NEVER);
        h.setLevel(Level.INFO);
        h.publish(line(Level.FINE, "detail"));
        h.publish(line(Level.INFO, "kept"));
        h.close();
        assertThat(written()).isEqualTo("kept\n");
    }

    @Test
    void manyThreadsLoseNoLineAndEachKeepsItsOrder() throws Exception {
        BackgroundConsoleHandler h = handler(64, TimeUnit.MILLISECONDS.toNanos(1));
        int threads = 8;
        int perThread = 2_000;
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            started.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    h.publish(line(Level.INFO, id + ":" + i));
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        h.close();
        String[] lines = written().split("\n");
        assertThat(lines).hasSize(threads * perThread);
        int[] next = new int[threads];
        for (String l : lines) {
            int colon = l.indexOf(':');
            int id = Integer.parseInt(l.substring(0, colon));
            assertThat(Integer.parseInt(l.substring(colon + 1))).isEqualTo(next[id]++);
        }
    }
}
