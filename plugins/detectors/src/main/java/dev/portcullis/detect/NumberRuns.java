package dev.portcullis.detect;

import java.util.List;

/**
 * Splits text into runs of digit groups joined by single separators ({@code 4111 1111},
 * {@code +1 (555) 123-4567}, {@code 192.168.0.1}) and offers windows of consecutive groups to a
 * classifier. Shared by the number-shaped detectors so that each is one linear pass, which jumps
 * from digit to digit ({@link Digits}): prose between numbers is never read character by character.
 *
 * <p>A run starts at a digit, {@code +} or {@code (} that does not follow a letter or digit, and is
 * dropped when a letter follows it (then it is part of an identifier). A window that is not the
 * whole run must be cut at spaces: {@code 123-45-6789-12} holds no SSN, but
 * {@code call 555-123-4567 2 times} holds a phone number. The largest window wins, left to right.
 */
final class NumberRuns {

    /** Decides whether groups {@code first..last} of a run are a finding. */
    interface Classifier {
        /** A confidence in (0, 1], or a negative number for "not this kind". */
        double classify(NumberRuns run, int first, int last);
    }

    private static final int MAX_GROUPS = 16;
    private static final int MAX_WINDOW = 8;

    private final CharSequence text;
    final int[] start = new int[MAX_GROUPS];
    final int[] end = new int[MAX_GROUPS];
    /** The separator before each group: ' ', '-', '.', '/', or 0 for the first. */
    final char[] sep = new char[MAX_GROUPS];
    /** Whether the group is written in parentheses. */
    final boolean[] paren = new boolean[MAX_GROUPS];
    /** Whether the run starts with '+'. */
    boolean plus;
    int groups;

    private NumberRuns(CharSequence text) {
        this.text = text;
    }

    /** Finds every run in {@code text} and appends the spans {@code classifier} accepts. */
    static void scan(CharSequence text, String kind, Classifier classifier, List<Span> out) {
        Digits digits = Digits.of(text);
        if (digits == null) {
            return; // no digit, no run: most prose
        }
        NumberRuns run = null; // made on the first run
        int n = text.length();
        int i = 0;
        while (i < n) {
            // every run starts at a digit or at the '+' or '(' just before one: skip to the next
            int d = digits.next(i);
            if (d < 0) {
                return;
            }
            if (d > i && (text.charAt(d - 1) == '+' || text.charAt(d - 1) == '(')) {
                d--;
            }
            i = d;
            char c = text.charAt(i);
            boolean opener = Chars.isDigit(c)
                    || ((c == '+' || c == '(') && i + 1 < n && Chars.isDigit(text.charAt(i + 1)));
            if (!opener || !Chars.boundaryBefore(text, i)) {
                i++;
                continue;
            }
            if (run == null) {
                run = new NumberRuns(text);
            }
            int next = run.read(i);
            if (!Chars.isLetter(next < n ? text.charAt(next) : ' ')) {
                run.offer(kind, classifier, out);
            }
            i = Math.max(next, i + 1);
        }
    }

    /** Reads one run starting at {@code i}; returns the index just after it. */
    private int read(int i) {
        int n = text.length();
        groups = 0;
        plus = text.charAt(i) == '+';
        if (plus) {
            i++;
        }
        char before = 0;
        while (true) {
            boolean open = i < n && text.charAt(i) == '(';
            if (open) {
                i++;
            }
            int s = i;
            while (i < n && Chars.isDigit(text.charAt(i))) {
                i++;
            }
            if (i == s || groups == MAX_GROUPS) {
                return s;
            }
            boolean closed = open && i < n && text.charAt(i) == ')';
            start[groups] = s;
            end[groups] = i;
            sep[groups] = before;
            paren[groups] = closed;
            groups++;
            // a separator: [')'] [one of " -./"] ['('] and then a digit
            int j = closed ? i + 1 : i;
            char sc = j < n ? text.charAt(j) : 0;
            boolean hasSep = sc == ' ' || sc == '-' || sc == '.' || sc == '/';
            if (hasSep) {
                j++;
            } else if (!closed) {
                return i;
            }
            int digitAt = j < n && text.charAt(j) == '(' ? j + 1 : j;
            if (digitAt >= n || !Chars.isDigit(text.charAt(digitAt))) {
                return i;
            }
            before = hasSep ? sc : ' ';
            i = j;
        }
    }

    private void offer(String kind, Classifier classifier, List<Span> out) {
        int first = 0;
        while (first < groups) {
            int found = -1;
            double confidence = -1;
            if (first == 0 || sep[first] == ' ') {
                for (int last = Math.min(groups - 1, first + MAX_WINDOW - 1); last >= first; last--) {
                    if (last < groups - 1 && sep[last + 1] != ' ') {
                        continue;
                    }
                    confidence = classifier.classify(this, first, last);
                    if (confidence > 0) {
                        found = last;
                        break;
                    }
                }
            }
            if (found < 0) {
                first++;
                continue;
            }
            int s = start[first] - (paren[first] ? 1 : 0) - (first == 0 && plus ? 1 : 0);
            out.add(new Span(s, end[found], kind, confidence));
            first = found + 1;
        }
    }

    // helpers for classifiers

    CharSequence text() {
        return text;
    }

    int length(int group) {
        return end[group] - start[group];
    }

    int digits(int first, int last) {
        int d = 0;
        for (int g = first; g <= last; g++) {
            d += end[g] - start[g];
        }
        return d;
    }

    /** The first digit of group {@code g}. */
    char lead(int g) {
        return text.charAt(start[g]);
    }

    /** Whether every separator inside the window is {@code c}. */
    boolean separatorsAre(int first, int last, char c) {
        for (int g = first + 1; g <= last; g++) {
            if (sep[g] != c) {
                return false;
            }
        }
        return true;
    }

    /** Whether any group in the window is parenthesised. */
    boolean anyParen(int first, int last) {
        for (int g = first; g <= last; g++) {
            if (paren[g]) {
                return true;
            }
        }
        return false;
    }

    /** The value of the first {@code n} digits of the window (n ≤ 9). */
    int prefix(int first, int last, int n) {
        int v = 0;
        int taken = 0;
        for (int g = first; g <= last && taken < n; g++) {
            for (int i = start[g]; i < end[g] && taken < n; i++, taken++) {
                v = v * 10 + (text.charAt(i) - '0');
            }
        }
        return v;
    }
}
