package dev.portcullis.detect;

/**
 * The ASCII digits of a text, from left to right. The number-shaped detectors look only near
 * digits; ordinary prose holds few or none, so jumping from digit to digit skips almost all of it.
 *
 * <p>For a {@link String}, each digit's next position comes from {@link String#indexOf(int, int)},
 * which the JIT turns into a vectorised search (on Latin-1 and UTF-16 strings alike), and is
 * remembered until the scan passes it: ten searches cross the text once each, instead of a
 * {@code charAt} per character. Other character sequences are read one character at a time.
 * Not thread-safe; one per scan, which moves forward.
 */
final class Digits {

    private final CharSequence text;
    private final String string;
    private final int length;
    /** For a String: where each digit next occurs at or after the last query, {@code length} if never. */
    private final int[] next;

    private Digits(CharSequence text, String string, int[] next) {
        this.text = text;
        this.string = string;
        this.length = text.length();
        this.next = next;
    }

    /**
     * The first position of each digit in the String scanned last. The four number-shaped
     * detectors of a rule scan the same value one after the other; they share its ten searches.
     * Strings are immutable, so the same object has the same digits.
     */
    private record FirstDigits(String text, int[] next) {}

    private static volatile FirstDigits last;

    /** The digits of {@code text}, or {@code null} if it holds none (the common case). */
    static Digits of(CharSequence text) {
        if (text instanceof String s) {
            FirstDigits known = last;
            if (known == null || known.text != s) {
                known = new FirstDigits(s, firstDigits(s));
                last = known;
            }
            return known.next == null ? null : new Digits(text, s, known.next.clone());
        }
        for (int i = 0, n = text.length(); i < n; i++) {
            if (Chars.isDigit(text.charAt(i))) {
                return new Digits(text, null, null);
            }
        }
        return null;
    }

    /** Where each digit first occurs in {@code s} ({@code s.length()} if never), or null if none does. */
    private static int[] firstDigits(String s) {
        int n = s.length();
        int[] next = new int[10];
        int first = n;
        for (int d = 0; d < 10; d++) {
            int p = s.indexOf('0' + d);
            next[d] = p = p < 0 ? n : p;
            first = Math.min(first, p);
        }
        return first == n ? null : next;
    }

    /**
     * The index of the first digit at or after {@code from}, or -1. Scans move forward:
     * {@code from} must not be less than in the previous call.
     */
    int next(int from) {
        if (from >= length) {
            return -1;
        }
        if (string == null) {
            for (int i = Math.max(from, 0); i < length; i++) {
                if (Chars.isDigit(text.charAt(i))) {
                    return i;
                }
            }
            return -1;
        }
        int best = length;
        for (int d = 0; d < 10; d++) {
            int p = next[d];
            if (p < from) {
                p = string.indexOf('0' + d, from);
                next[d] = p = p < 0 ? length : p;
            }
            if (p < best) {
                best = p;
            }
        }
        return best == length ? -1 : best;
    }
}
