package dev.portcullis.inspect;

import dev.portcullis.detect.Span;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates compiled rules against a document and applies redactions. Knows nothing of HTTP: the
 * policy reads bodies and turns results into verdicts.
 */
final class Inspector {

    /** A compiled rule; {@code matches} is its {@code portcullis.inspect.matches} counter. */
    record Rule(String name, Condition condition, InspectConfig.Action action, Counter matches) {}

    /**
     * A rule that matched.
     *
     * @param reasons why, for the client (may name the offending domain, never detected values)
     * @param kinds   the kinds of what was found, for logs and metrics
     */
    record Match(Rule rule, List<String> reasons, Set<String> kinds) {

        /** The refusal detail: {@code rule 'x' matched: reason; reason}. */
        String detail() {
            return "rule '" + rule.name() + "' matched: " + String.join("; ", reasons);
        }
    }

    /**
     * What the rules decided about one document.
     *
     * @param matches every rule that matched, in rule order, up to and including a blocking one
     * @param blocked the first blocking match, or null
     * @param redact  the findings of matching redact rules
     */
    record Result(List<Match> matches, Match blocked, List<Evaluation.Finding> redact) {}

    private final List<Rule> rules;
    private final double minConfidence;
    private final Masker masker;

    Inspector(List<Rule> rules, double minConfidence, Masker masker) {
        this.rules = List.copyOf(rules);
        this.minConfidence = minConfidence;
        this.masker = masker;
    }

    /** Runs every rule until one blocks. */
    Result evaluate(Document document) {
        Evaluation ev = new Evaluation(document, minConfidence);
        List<Match> matches = new ArrayList<>(2);
        List<Evaluation.Finding> redact = new ArrayList<>();
        for (Rule rule : rules) {
            Evaluation.Mark mark = ev.mark();
            if (!rule.condition().test(ev)) {
                ev.rollback(mark);
                continue;
            }
            Set<String> kinds = new LinkedHashSet<>();
            for (Evaluation.Finding f : ev.findingsSince(mark)) {
                kinds.add(f.span().kind());
            }
            Match match = new Match(rule, List.copyOf(ev.reasonsSince(mark)), kinds);
            matches.add(match);
            switch (rule.action()) {
                case BLOCK -> {
                    return new Result(matches, match, List.of());
                }
                case REDACT -> redact.addAll(ev.findingsSince(mark));
                case LOG -> { }
            }
        }
        return new Result(matches, null, redact);
    }

    /** Masks {@code findings} in {@code document}; returns whether anything changed. */
    boolean redact(Document document, List<Evaluation.Finding> findings) {
        if (findings.isEmpty()) {
            return false;
        }
        Map<Leaf, List<Span>> byLeaf = new IdentityHashMap<>();
        for (Evaluation.Finding f : findings) {
            byLeaf.computeIfAbsent(f.leaf(), l -> new ArrayList<>(2)).add(f.span());
        }
        byLeaf.forEach((leaf, spans) -> document.replace(leaf, masker.mask(leaf.text(), spans)));
        return true;
    }
}
