package dev.portcullis.detect;

import java.util.List;

/**
 * US social security numbers written {@code AAA-GG-SSSS} (or with spaces, at lower confidence):
 * area 001-899 except 666, group 01-99, serial 0001-9999, and not one of the numbers that were
 * published as examples. Nine digits without separators are not matched (too many look-alikes).
 */
public final class UsSsnDetector implements Detector, NumberRuns.Classifier {

    /** The detector's name. */
    public static final String NAME = "us-ssn";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {
        NumberRuns.scan(text, NAME, this, out);
    }

    @Override
    public double classify(NumberRuns run, int first, int last) {
        if (last - first != 2 || (first == 0 && run.plus) || run.anyParen(first, last)) {
            return -1;
        }
        if (run.length(first) != 3 || run.length(first + 1) != 2 || run.length(last) != 4) {
            return -1;
        }
        boolean dashed = run.separatorsAre(first, last, '-');
        if (!dashed && !run.separatorsAre(first, last, ' ')) {
            return -1;
        }
        int number = run.prefix(first, last, 9);
        int area = number / 1_000_000;
        int group = number / 10_000 % 100;
        int serial = number % 10_000;
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return -1;
        }
        if (number == 78_051_120 || number == 219_099_999) {
            return -1; // the Woolworth wallet card and the 1940s advertising example
        }
        return dashed ? 0.85 : 0.6;
    }
}
