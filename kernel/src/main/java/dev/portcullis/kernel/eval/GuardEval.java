package dev.portcullis.kernel.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.spi.InjectionDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code portcullis eval guard --data FILE --use NAME}: runs the configured prompt guard (or
 * injection-detector component) over labelled JSONL and prints precision, recall, F1 and the
 * false-positive rate, overall, per {@code source} and per category family (the part of
 * {@code category} before the first ':'), with the detection latency p50/p99 per item.
 *
 * <p>Each line is an object with {@code text} and {@code label} (1 or true = injection);
 * {@code source} and {@code category} are optional. The file is streamed, never held whole.
 */
final class GuardEval {

    /** Items up to this many characters are "prompts up to about 512 tokens" in the latency line. */
    static final int CHARS_512_TOKENS = 2048;
    private static final int WARM_UP = 30;
    // CPU time of the calling thread: ONNX Runtime with one intra-op thread infers on it, and
    // unlike wall time it does not grow when other processes share the CPU.
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private GuardEval() {}

    /** Counts and latencies of one slice of the data. */
    static final class Slice {
        int tp;
        int fp;
        int tn;
        int fn;
        long[] nanos = new long[64];
        long[] cpu = new long[64];
        int n;

        void add(boolean label, boolean predicted, long latency, long cpuNanos) {
            if (label) {
                if (predicted) tp++; else fn++;
            } else {
                if (predicted) fp++; else tn++;
            }
            if (n == nanos.length) {
                nanos = Arrays.copyOf(nanos, n * 2);
                cpu = Arrays.copyOf(cpu, n * 2);
            }
            cpu[n] = cpuNanos;
            nanos[n++] = latency;
        }

        double precision() {
            return tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? Double.NaN : tp / (double) (tp + fn);
        }

        double f1() {
            double p = precision();
            double r = recall();
            return Double.isNaN(p) || Double.isNaN(r) || p + r == 0 ? Double.NaN : 2 * p * r / (p + r);
        }

        double fpr() {
            return fp + tn == 0 ? Double.NaN : fp / (double) (fp + tn);
        }

        double percentileMillis(double q) {
            return percentile(nanos, q);
        }

        double cpuPercentileMillis(double q) {
            return percentile(cpu, q);
        }

        private double percentile(long[] values, double q) {
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            int i = (int) Math.ceil(q * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, i))] / 1e6;
        }
    }

    static int run(CompiledConfig config, Path data, String use, PrintStream out, PrintStream err) {
        Optional<InjectionDetector> found = config.policyOrComponent(use, InjectionDetector.class);
        if (found.isEmpty()) {
            err.println("portcullis: no policy or component named '" + use
                    + "' that detects prompt injection (a prompt-guard policy or an injection-detector component)");
            return 2;
        }
        if (!Files.isReadable(data)) {
            err.println("portcullis: cannot read " + data);
            return 2;
        }
        InjectionDetector detector = found.get();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The detector lives in a plugin: its libraries look for resources through the context loader.
        thread.setContextClassLoader(detector.getClass().getClassLoader());
        try {
            return evaluate(detector, data, use, out, err);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static int evaluate(InjectionDetector detector, Path data, String use, PrintStream out, PrintStream err) {
        ObjectMapper json = new ObjectMapper();
        Slice all = new Slice();
        Slice upTo512 = new Slice();
        Map<String, Slice> bySource = new TreeMap<>();
        Map<String, Slice> byCategory = new TreeMap<>();
        int line = 0;
        try (MappingIterator<JsonNode> rows = json.readerFor(JsonNode.class).readValues(data.toFile())) {
            List<String> warmUp = new ArrayList<>(WARM_UP);
            while (rows.hasNextValue()) {
                line++;
                JsonNode row = rows.nextValue();
                JsonNode text = row.get("text");
                JsonNode label = row.get("label");
                if (text == null || !text.isTextual() || label == null || !(label.isBoolean() || label.isNumber())) {
                    err.println("portcullis: " + data + " item " + line + ": needs a string 'text' and a 'label' (0/1 or false/true)");
                    return 2;
                }
                String t = text.asText();
                if (warmUp.size() < WARM_UP) {
                    // The first calls pay for class loading and JIT; warm up on the first items' texts.
                    warmUp.add(t);
                    detector.detect(t);
                }
                boolean injection = label.isBoolean() ? label.asBoolean() : label.asInt() != 0;
                long c0 = CPU.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                InjectionDetector.Detection d = detector.detect(t);
                long nanos = System.nanoTime() - t0;
                long cpu = CPU.getCurrentThreadCpuTime() - c0;
                all.add(injection, d.injected(), nanos, cpu);
                if (t.length() <= CHARS_512_TOKENS) {
                    upTo512.add(injection, d.injected(), nanos, cpu);
                }
                bySource.computeIfAbsent(row.path("source").asText("(none)"), k -> new Slice()).add(injection, d.injected(), nanos, cpu);
                String category = row.path("category").asText("(none)");
                int colon = category.indexOf(':');
                byCategory.computeIfAbsent(colon > 0 ? category.substring(0, colon) : category, k -> new Slice())
                        .add(injection, d.injected(), nanos, cpu);
            }
        } catch (JsonProcessingException e) {
            err.println("portcullis: " + data + " item " + (line + 1) + " is not JSON: " + e.getOriginalMessage());
            return 2;
        } catch (IOException e) {
            err.println("portcullis: cannot read " + data + ": " + e.getMessage());
            return 2;
        }
        if (all.n == 0) {
            err.println("portcullis: " + data + " has no items");
            return 2;
        }
        out.printf(Locale.ROOT, "eval guard: '%s' on %s: %d items (%d injections, %d benign)%n", use, data, all.n,
                all.tp + all.fn, all.fp + all.tn);
        header(out, "");
        row(out, "overall", all);
        row(out, "items <= " + CHARS_512_TOKENS + " chars (~512 tokens)", upTo512);
        out.println();
        header(out, "by source");
        bySource.forEach((k, v) -> row(out, k, v));
        out.println();
        header(out, "by category");
        byCategory.forEach((k, v) -> row(out, k, v));
        out.println();
        out.println("P = precision, R = recall, FPR = false positives / benign items; '-' where a slice has no"
                + " injections or no benign items. Latency per item (wall clock, and CPU time of the calling thread),"
                + " after " + WARM_UP + " warm-up calls.");
        return 0;
    }

    private static void header(PrintStream out, String title) {
        out.printf(Locale.ROOT, "%-48s %6s %5s %6s %6s %6s %6s %8s %8s %8s %8s%n", title, "n", "inj", "P", "R", "F1", "FPR",
                "p50 ms", "p99 ms", "cpu p50", "cpu p99");
    }

    private static void row(PrintStream out, String name, Slice s) {
        out.printf(Locale.ROOT, "%-48s %6d %5d %6s %6s %6s %6s %8.2f %8.2f %8.2f %8.2f%n",
                name.length() > 48 ? name.substring(0, 48) : name, s.n, s.tp + s.fn, fmt(s.precision()), fmt(s.recall()),
                fmt(s.f1()), fmt(s.fpr()), s.percentileMillis(0.5), s.percentileMillis(0.99),
                s.cpuPercentileMillis(0.5), s.cpuPercentileMillis(0.99));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
