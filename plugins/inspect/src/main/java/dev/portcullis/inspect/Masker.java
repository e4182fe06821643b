package dev.portcullis.inspect;

import dev.portcullis.detect.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes redacted text: each span becomes the template ({@code [REDACTED:payment-card]}), or, for
 * kinds configured to keep their last characters, the span with its other letters and digits
 * starred ({@code ****-****-****-1111}). Overlapping spans merge and take the longer one's kind.
 */
final class Masker {

    private final String[] templateParts;
    private final Map<String, Integer> keepLast;

    Masker(InspectConfig.Mask config) {
        this.templateParts = config.template().split("\\{kind}", -1);
        this.keepLast = config.keepLast();
    }

    /** {@code text} with {@code spans} masked; spans may come in any order and overlap. */
    String mask(String text, List<Span> spans) {
        List<Span> merged = merge(spans);
        StringBuilder out = new StringBuilder(text.length() + 16 * merged.size());
        int at = 0;
        for (Span span : merged) {
            out.append(text, at, span.start());
            Integer keep = keepLast.get(span.kind());
            if (keep != null) {
                starAllBut(text, span, keep, out);
            } else {
                for (int i = 0; i < templateParts.length; i++) {
                    if (i > 0) {
                        out.append(span.kind());
                    }
                    out.append(templateParts[i]);
                }
            }
            at = span.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    private static void starAllBut(String text, Span span, int keep, StringBuilder out) {
        int alnums = 0;
        for (int i = span.start(); i < span.end(); i++) {
            alnums += Character.isLetterOrDigit(text.charAt(i)) ? 1 : 0;
        }
        int seen = 0;
        for (int i = span.start(); i < span.end(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(seen++ < alnums - keep ? '*' : c);
            } else {
                out.append(c);
            }
        }
    }

    static List<Span> merge(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::end).reversed()));
        List<Span> merged = new ArrayList<>(sorted.size());
        for (Span s : sorted) {
            if (!merged.isEmpty() && merged.getLast().overlaps(s)) {
                Span last = merged.removeLast();
                String kind = s.length() > last.length() ? s.kind() : last.kind();
                merged.add(new Span(last.start(), Math.max(last.end(), s.end()), kind, Math.max(last.confidence(), s.confidence())));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }
}
