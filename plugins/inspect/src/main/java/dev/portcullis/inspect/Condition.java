package dev.portcullis.inspect;

import dev.portcullis.detect.BoundedCharSequence;
import dev.portcullis.detect.Detector;
import dev.portcullis.detect.EmailDetector;
import dev.portcullis.detect.RegexDetector;
import dev.portcullis.detect.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled rule condition. Tests record why they hold ({@link Evaluation#reason}) and what they
 * found ({@link Evaluation#found}, the spans a redacting rule masks); the caller rolls both back
 * when the enclosing rule does not match.
 */
sealed interface Condition {

    /** Kind of the spans {@code regex} and {@code contains} conditions find. */
    String MATCH_KIND = "match";

    /** Whether the condition holds for the document of {@code evaluation}. */
    boolean test(Evaluation evaluation);

    /** Where a test looks, for reasons: the field, or "body". */
    static String where(JsonPath field) {
        return field == null ? "body" : field.toString();
    }

    /** Holds if any of the detectors finds something in the selected values. */
    record Detected(JsonPath field, List<Detector> detectors) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            List<String> kinds = new ArrayList<>(2);
            List<Leaf> leaves = ev.leaves(field);
            for (Detector detector : detectors) {
                for (Leaf leaf : leaves) {
                    List<Span> spans = ev.spans(leaf, detector);
                    for (Span span : spans) {
                        ev.found(leaf, span);
                    }
                    if (!spans.isEmpty() && !kinds.contains(detector.name())) {
                        kinds.add(detector.name());
                    }
                }
            }
            if (kinds.isEmpty()) {
                return false;
            }
            ev.reason(where(field) + " contains " + String.join(", ", kinds));
            return true;
        }
    }

    /** Holds if the pattern is found; a pattern that exceeds its step budget holds (fail closed). */
    record Matches(JsonPath field, Pattern pattern) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            boolean hit = false;
            for (Leaf leaf : ev.leaves(field)) {
                try {
                    Matcher m = pattern.matcher(BoundedCharSequence.of(leaf.text(), RegexDetector.STEPS_PER_CHAR));
                    while (m.find()) {
                        hit = true;
                        if (m.end() > m.start()) {
                            ev.found(leaf, new Span(m.start(), m.end(), MATCH_KIND, 1));
                        }
                    }
                } catch (BoundedCharSequence.BudgetExceededException e) {
                    ev.reason(where(field) + " is too costly to match against /" + pattern + "/");
                    return true;
                }
            }
            if (hit) {
                ev.reason(where(field) + " matches /" + pattern + "/");
            }
            return hit;
        }
    }

    /** Holds if the text occurs. */
    record Contains(JsonPath field, String needle, boolean ignoreCase) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            boolean hit = false;
            for (Leaf leaf : ev.leaves(field)) {
                String text = leaf.text();
                for (int i = indexOf(text, 0); i >= 0; i = indexOf(text, i + needle.length())) {
                    hit = true;
                    ev.found(leaf, new Span(i, i + needle.length(), MATCH_KIND, 1));
                }
            }
            if (hit) {
                ev.reason(where(field) + " contains '" + needle + "'");
            }
            return hit;
        }

        private int indexOf(String text, int from) {
            if (!ignoreCase) {
                return text.indexOf(needle, from);
            }
            for (int i = from; i + needle.length() <= text.length(); i++) {
                if (text.regionMatches(true, i, needle, 0, needle.length())) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * For values that are e-mail addresses or lists of them ({@code a@x.com, B <b@y.com>}): with
     * {@code outside}, holds if any address is outside the domains or any value is not an address
     * at all; otherwise holds if any address is inside them.
     */
    record EmailDomain(JsonPath field, Set<String> domains, boolean outside, boolean subdomains) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            for (Leaf leaf : ev.leaves(field)) {
                for (String part : leaf.text().split("[,;]")) {
                    if (part.isBlank()) {
                        continue;
                    }
                    String domain = EmailDetector.domainOf(part);
                    boolean listed = domain != null && listed(domain);
                    if (outside && !listed) {
                        ev.reason(domain == null
                                ? where(field) + " holds a value that is not an e-mail address"
                                : where(field) + " has domain " + domain + ", not in " + domains);
                        return true;
                    }
                    if (!outside && listed) {
                        ev.reason(where(field) + " has domain " + domain + ", in " + domains);
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean listed(String domain) {
            if (domains.contains(domain)) {
                return true;
            }
            if (subdomains) {
                for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
                    if (domains.contains(domain.substring(dot + 1))) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** Holds if a selected value is one of {@code values}. */
    record OneOf(JsonPath field, Set<String> values, boolean ignoreCase) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            for (Leaf leaf : ev.leaves(field)) {
                String v = ignoreCase ? leaf.text().toLowerCase(Locale.ROOT) : leaf.text();
                if (values.contains(v)) {
                    ev.reason(where(field) + " is one of the listed values");
                    return true;
                }
            }
            return false;
        }
    }

    /** Holds if every condition holds; stops at the first that does not. */
    record All(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            for (Condition c : conditions) {
                if (!c.test(ev)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Holds if any condition holds; evaluates all of them so that redaction sees every finding. */
    record Any(List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            boolean any = false;
            for (Condition c : conditions) {
                Evaluation.Mark mark = ev.mark();
                if (c.test(ev)) {
                    any = true;
                } else {
                    ev.rollback(mark);
                }
            }
            return any;
        }
    }

    /** Holds if the inner condition does not; what the inner condition found is discarded. */
    record Not(Condition inner, String description) implements Condition {
        @Override
        public boolean test(Evaluation ev) {
            Evaluation.Mark mark = ev.mark();
            boolean held = inner.test(ev);
            ev.rollback(mark);
            if (!held) {
                ev.reason("not (" + description + ")");
            }
            return !held;
        }
    }
}
