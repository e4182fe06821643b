package dev.portcullis.detect;

import java.util.List;

/**
 * Telephone numbers in the forms people write them: E.164 ({@code +14155552671},
 * {@code +44 20 7946 0958}), the {@code 00} international prefix, North American
 * ({@code (415) 555-2671}, {@code 415-555-2671}, {@code 415.555.2671}) and national numbers with
 * a trunk {@code 0} and separators ({@code 030 1234567}, {@code 06-12345678}).
 *
 * <p>A plain run of digits without {@code +} is never a phone number: order ids, timestamps and
 * amounts look exactly like that. Dates ({@code 2024-01-15}) and dotted quads are not phones.
 */
public final class PhoneDetector implements Detector, NumberRuns.Classifier {

    /** The detector's name. */
    public static final String NAME = "phone";

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
        int digits = run.digits(first, last);
        int groups = last - first + 1;
        if (first == 0 && run.plus) {
            return digits >= 8 && digits <= 15 && run.lead(first) != '0' && !hasDot(run, first, last) ? 0.85 : -1;
        }
        if (groups < 2) {
            return -1;
        }
        if (northAmerican(run, first, last)) {
            return 0.75;
        }
        if (run.lead(first) != '0' || hasDot(run, first, last) || looksLikeDate(run, first, last)) {
            return -1;
        }
        boolean international = run.length(first) >= 2 && run.text().charAt(run.start[first] + 1) == '0';
        if (international) {
            return digits >= 10 && digits <= 15 ? 0.7 : -1;
        }
        return digits >= 9 && digits <= 12 ? 0.6 : -1;
    }

    /** [1] NXX NXX XXXX, the area code optionally in parentheses, one kind of separator. */
    private static boolean northAmerican(NumberRuns run, int first, int last) {
        int g = first;
        if (last - first == 3 && run.length(g) == 1 && run.lead(g) == '1') {
            g++;
        } else if (last - first != 2) {
            return false;
        }
        if (run.length(g) != 3 || run.length(g + 1) != 3 || run.length(g + 2) != 4) {
            return false;
        }
        if (run.lead(g) < '2' || run.lead(g + 1) < '2') {
            return false;
        }
        char s = run.sep[g + 2];
        return s != '/' && (run.sep[g + 1] == s || run.paren[g]);
    }

    private static boolean hasDot(NumberRuns run, int first, int last) {
        for (int g = first + 1; g <= last; g++) {
            if (run.sep[g] == '.') {
                return true;
            }
        }
        return false;
    }

    private static boolean looksLikeDate(NumberRuns run, int first, int last) {
        if (last - first != 2) {
            return false;
        }
        int a = run.length(first);
        int b = run.length(first + 1);
        int c = run.length(last);
        return (a == 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c == 4 || c == 2));
    }
}
