package dev.portcullis.benchmarks;

import dev.portcullis.kernel.observe.LogLineFormatter;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
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
 * Formatting one log line: the JDK's {@code SimpleFormatter} with the pattern the distribution's
 * {@code conf/logging.properties} used until 2026-11-24 ({@code %1$tFT%1$tT.%1$tLZ %4$-7s [%3$s]
 * %5$s%6$s%n}) against {@link LogLineFormatter}, which replaced it. The record is an MCP audit
 * line (a 330-character JSON message on {@code portcullis.audit}), as every {@code tools/call}
 * writes one; each operation formats a new record with the current time, so the per-second cache
 * is measured as it works in service (hit on nearly every line).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LogLineBench -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogLineBench {

    static final String AUDIT = "{\"time\":\"2026-11-24T13:50:01.007Z\",\"layer\":\"mcp\",\"event\":\"mcp.call\","
            + "\"outcome\":\"allow\",\"policy\":\"mcp-tbac\",\"route\":\"everything\",\"subject\":\"bench-agent\","
            + "\"requestId\":\"5f0c9e7a1b2d4c3e8f6a7b8c9d0e1f2a\",\"reason\":\"task echo-only allows tool echo\","
            + "\"details\":{\"server\":\"everything\",\"task\":\"echo-only\",\"tool\":\"echo\"}}";

    SimpleFormatter simple;
    LogLineFormatter line;

    @Setup
    public void setUp() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s [%3$s] %5$s%6$s%n");
        simple = new SimpleFormatter();
        line = new LogLineFormatter();
    }

    static LogRecord record() {
        LogRecord r = new LogRecord(Level.INFO, AUDIT);
        r.setLoggerName("portcullis.audit");
        return r;
    }

    @Benchmark
    public String simpleFormatter() {
        return simple.format(record());
    }

    @Benchmark
    public String logLineFormatter() {
        return line.format(record());
    }
}
