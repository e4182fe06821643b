package dev.portcullis.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.observe.AuditTrail;
import dev.portcullis.spi.AuditEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON line of one audit event, as the {@code mcp-tbac} policy records for every MCP
 * {@code tools/call}: layer, event, outcome, policy, route, subject, correlation and request id,
 * reason, and seven details (method, server, tool, rule, agent, tasks, argumentKeys). The events
 * cycle through 1,024 prepared ones whose times fall in one second with distinct nanoseconds (as
 * under load: many events per second).
 * <ul>
 *   <li>{@code line}: {@link AuditTrail#line}, the fields appended to one {@code StringBuilder} with Jackson's string quoting</li>
 *   <li>{@code mapThenObjectMapper}: how the line was made before, an ordered map
 *       ({@link AuditTrail#toMap}, details in a {@code TreeMap}) serialised by an
 *       {@code ObjectMapper}: the same text</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar AuditLineBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AuditLineBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditEvent[] events = new AuditEvent[1024];
    private int next;

    @Setup
    public void setUp() throws IOException {
        for (int i = 0; i < events.length; i++) {
            events[i] = new AuditEvent(Instant.ofEpochSecond(1_795_000_000L, 123_456_789L + i * 731L), "mcp", "mcp.decision",
                    "allow", "mcp-tbac", "everything", "bench-agent", "4f1c2e9a7b3d5f60" + i, "4f1c2e9a7b3d5f60" + i,
                    null, Map.of("method", "tools/call", "server", "everything", "tool", "everything_echo",
                            "rule", "echo-only.call[0]", "agent", "bench-agent", "tasks", "echo-only", "argumentKeys", "message"));
        }
        AuditEvent e = events[0];
        if (!AuditTrail.line(e).equals(JSON.writeValueAsString(AuditTrail.toMap(e)))) {
            throw new IllegalStateException("the two ways must write the same line");
        }
    }

    @Benchmark
    public String line() {
        return AuditTrail.line(events[next++ & 1023]);
    }

    @Benchmark
    public String mapThenObjectMapper() throws IOException {
        return JSON.writeValueAsString(AuditTrail.toMap(events[next++ & 1023]));
    }
}
