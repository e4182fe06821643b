package dev.portcullis.inspect;

import dev.portcullis.detect.Detector;
import dev.portcullis.detect.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of evaluating rules against one document: which values each field selects (computed
 * once per field), the findings to redact and the reasons to report. Not thread-safe; one per
 * body.
 */
final class Evaluation {

    /** A finding in one value. */
    record Finding(Leaf leaf, Span span) {}

    /** A point to roll back to when a condition that collected findings turns out not to hold. */
    record Mark(int reasons, int findings) {}

    private final Document document;
    private final double minConfidence;
    private final List<String> reasons = new ArrayList<>(4);
    private final List<Finding> findings = new ArrayList<>();
    private final List<Span> scratch = new ArrayList<>(4);
    private Map<JsonPath, List<Leaf>> selections;

    Evaluation(Document document, double minConfidence) {
        this.document = document;
        this.minConfidence = minConfidence;
    }

    Document document() {
        return document;
    }

    /** What {@code detector} finds in {@code leaf} (cached in the leaf). */
    List<Span> spans(Leaf leaf, Detector detector) {
        return leaf.spans(detector, minConfidence, scratch);
    }

    /** The values {@code field} selects, or every value when it is {@code null}. */
    List<Leaf> leaves(JsonPath field) {
        if (field == null) {
            return document.leaves();
        }
        if (selections == null) {
            selections = new IdentityHashMap<>(4);
        }
        return selections.computeIfAbsent(field, f -> {
            List<Leaf> selected = new ArrayList<>(4);
            for (Leaf leaf : document.leaves()) {
                if (f.selects(leaf.location())) {
                    selected.add(leaf);
                }
            }
            return selected;
        });
    }

    void reason(String reason) {
        reasons.add(reason);
    }

    void found(Leaf leaf, Span span) {
        findings.add(new Finding(leaf, span));
    }

    Mark mark() {
        return new Mark(reasons.size(), findings.size());
    }

    void rollback(Mark mark) {
        reasons.subList(mark.reasons(), reasons.size()).clear();
        findings.subList(mark.findings(), findings.size()).clear();
    }

    /** Reasons added since {@code mark}. */
    List<String> reasonsSince(Mark mark) {
        return reasons.subList(mark.reasons(), reasons.size());
    }

    /** Findings added since {@code mark}. */
    List<Finding> findingsSince(Mark mark) {
        return findings.subList(mark.findings(), findings.size());
    }
}
