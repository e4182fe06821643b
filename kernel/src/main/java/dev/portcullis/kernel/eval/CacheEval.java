package dev.portcullis.kernel.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.spi.SimilarityJudge;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code portcullis eval cache --data FILE --use NAME}: runs a configured {@link SimilarityJudge}
 * (the {@code semantic-cache} policy) over labelled pairs and prints, per threshold, the hit rate
 * on paraphrases (label 1) and the false-hit rate on non-paraphrases (label 0), hard negatives
 * (lexical Jaccard at least {@value #HARD_JACCARD}) apart from the rest; then the configured
 * threshold per category, the verification step's refusals, and the latency per pair.
 *
 * <p>Input: JSON lines with {@code a}, {@code b}, {@code label} (0 or 1) and optionally
 * {@code category} and {@code lexical_jaccard}.
 */
final class CacheEval {

    static final double HARD_JACCARD = 0.5;
    private static final double[] THRESHOLDS = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95};

    private CacheEval() {}

    record Item(String a, String b, int label, String category, double jaccard) {
        boolean hard() {
            return label == 0 && jaccard >= HARD_JACCARD;
        }
    }

    record Scored(Item item, SimilarityJudge.Judgement judgement, long nanos) {}

    static int run(CompiledConfig config, Path data, String use, PrintStream out, PrintStream err) {
        SimilarityJudge judge = config.policyOrComponent(use, SimilarityJudge.class).orElse(null);
        if (judge == null) {
            err.println("portcullis: no policy or component named '" + use + "' that judges similarity (e.g. type: semantic-cache)");
            return 2;
        }
        List<Item> items;
        try {
            items = read(data);
        } catch (IOException e) {
            err.println("portcullis: cannot read " + data + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("portcullis: " + data + ": " + e.getMessage());
            return 2;
        }
        if (items.isEmpty()) {
            err.println("portcullis: " + data + " has no pairs");
            return 2;
        }
        List<Scored> scored = score(judge, items);
        report(use, judge.threshold(), data, scored, out);
        return 0;
    }

    static List<Item> read(Path data) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Item> items = new ArrayList<>();
        List<String> lines = Files.readAllLines(data, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = mapper.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": not JSON");
            }
            if (!n.path("a").isTextual() || !n.path("b").isTextual() || !n.path("label").isIntegralNumber()
                    || (n.get("label").asInt() != 0 && n.get("label").asInt() != 1)) {
                throw new IllegalArgumentException("line " + (i + 1) + ": needs text fields a and b and a label 0 or 1");
            }
            items.add(new Item(n.get("a").asText(), n.get("b").asText(), n.get("label").asInt(),
                    n.path("category").asText("-"), n.path("lexical_jaccard").asDouble(0)));
        }
        return items;
    }

    /** Judges every pair on one thread (honest latencies) with a deep stack (native tokenizers recurse). */
    private static List<Scored> score(SimilarityJudge judge, List<Item> items) {
        List<Scored> out = new ArrayList<>(items.size());
        Runnable work = () -> {
            Thread.currentThread().setContextClassLoader(judge.getClass().getClassLoader());
            for (Item it : items) {
                long t0 = System.nanoTime();
                SimilarityJudge.Judgement j = judge.judge(it.a(), it.b());
                out.add(new Scored(it, j, System.nanoTime() - t0));
            }
        };
        Thread t = new Thread(null, work, "eval-cache", 16L << 20);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (out.size() != items.size()) {
            throw new IllegalStateException("the judge failed after " + out.size() + " of " + items.size() + " pairs");
        }
        return out;
    }

    private static void report(String use, double configured, Path data, List<Scored> scored, PrintStream out) {
        long pos = scored.stream().filter(s -> s.item().label() == 1).count();
        long neg = scored.size() - pos;
        long hard = scored.stream().filter(s -> s.item().hard()).count();
        out.printf(Locale.ROOT, "eval cache: '%s' on %s: %d pairs, %d paraphrases, %d non-paraphrases (%d hard: lexical_jaccard >= %.1f)%n",
                use, data.getFileName(), scored.size(), pos, neg, hard, HARD_JACCARD);
        out.println("hit = similarity >= threshold and the verification step accepts; * = the configured threshold");
        out.printf(Locale.ROOT, "%-10s %9s %10s %12s %13s %14s%n", "threshold", "hit-rate", "false-hit", "false(hard)",
                "false(other)", "false(no-veto)");
        TreeSet<Double> thresholds = new TreeSet<>();
        for (double t : THRESHOLDS) {
            thresholds.add(t);
        }
        thresholds.add(configured);
        for (double t : thresholds) {
            Rates r = rates(scored, t);
            out.printf(Locale.ROOT, "%-10s %9s %10s %12s %13s %14s%n", String.format(Locale.ROOT, "%.2f%s", t, t == configured ? "*" : ""),
                    pct(r.hits, r.pos), pct(r.falseHits, r.neg), pct(r.hardFalse, r.hard), pct(r.otherFalse, r.neg - r.hard),
                    pct(r.unvetoedFalse, r.neg));
        }
        out.printf(Locale.ROOT, "%nper category at %.2f:%n%-28s %6s %9s %6s %10s%n", configured, "category", "pos", "hit-rate", "neg", "false-hit");
        Map<String, List<Scored>> byCategory = new TreeMap<>();
        for (Scored s : scored) {
            byCategory.computeIfAbsent(s.item().category(), k -> new ArrayList<>()).add(s);
        }
        for (Map.Entry<String, List<Scored>> e : byCategory.entrySet()) {
            Rates r = rates(e.getValue(), configured);
            out.printf(Locale.ROOT, "%-28s %6d %9s %6d %10s%n", e.getKey(), r.pos, pct(r.hits, r.pos), r.neg, pct(r.falseHits, r.neg));
        }
        Map<String, long[]> reasons = new TreeMap<>();
        for (Scored s : scored) {
            if (!s.judgement().verified()) {
                reasons.computeIfAbsent(s.judgement().reason(), k -> new long[2])[s.item().label()]++;
            }
        }
        out.printf(Locale.ROOT, "%nverification refusals (any similarity): ");
        if (reasons.isEmpty()) {
            out.print("none");
        }
        reasons.forEach((k, v) -> out.printf(Locale.ROOT, "%s %d on non-paraphrases / %d on paraphrases; ", k, v[0], v[1]));
        out.println();
        long[] nanos = scored.stream().mapToLong(Scored::nanos).toArray();
        Arrays.sort(nanos);
        out.printf(Locale.ROOT, "latency per pair (two embeddings + verification): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                nanos[percentile(nanos.length, 0.50)] / 1e6, nanos[percentile(nanos.length, 0.99)] / 1e6, nanos[nanos.length - 1] / 1e6);
    }

    private static int percentile(int n, double p) {
        return Math.min(n - 1, (int) Math.ceil(p * n) - 1);
    }

    private static String pct(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private record Rates(long pos, long hits, long neg, long falseHits, long hard, long hardFalse, long otherFalse, long unvetoedFalse) {}

    private static Rates rates(List<Scored> scored, double t) {
        long pos = 0, hits = 0, neg = 0, falseHits = 0, hard = 0, hardFalse = 0, otherFalse = 0, unvetoed = 0;
        for (Scored s : scored) {
            boolean hit = s.judgement().matches(t);
            if (s.item().label() == 1) {
                pos++;
                hits += hit ? 1 : 0;
            } else {
                neg++;
                falseHits += hit ? 1 : 0;
                unvetoed += s.judgement().similarity() >= t ? 1 : 0;
                if (s.item().hard()) {
                    hard++;
                    hardFalse += hit ? 1 : 0;
                } else {
                    otherFalse += hit ? 1 : 0;
                }
            }
        }
        return new Rates(pos, hits, neg, falseHits, hard, hardFalse, otherFalse, unvetoed);
    }
}
