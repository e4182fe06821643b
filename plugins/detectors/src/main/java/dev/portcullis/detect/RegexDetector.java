package dev.portcullis.detect;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detector made from an operator's regular expression (config {@code detectors:}). Each match is
 * a span; the pattern is compiled once. A pattern that backtracks beyond its budget on some input
 * throws {@link BoundedCharSequence.BudgetExceededException}, so callers can fail closed.
 */
public final class RegexDetector implements Detector {

    /** Character reads allowed per input character before a match is abandoned. */
    public static final int STEPS_PER_CHAR = 200;

    private final String name;
    private final Pattern pattern;
    private final double confidence;

    /** A detector called {@code name} that finds {@code pattern}. */
    public RegexDetector(String name, Pattern pattern, double confidence) {
        this.name = name;
        this.pattern = pattern;
        this.confidence = confidence;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {
        Matcher m = pattern.matcher(BoundedCharSequence.of(text, STEPS_PER_CHAR));
        while (m.find()) {
            if (m.end() > m.start()) {
                out.add(new Span(m.start(), m.end(), name, confidence));
            }
        }
    }
}
