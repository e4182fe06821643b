package dev.portcullis.detect;

/**
 * A finding in a text: the characters {@code [start, end)} look like a {@code kind} (the name of
 * the detector that found it) with the given confidence.
 *
 * @param start      first character, inclusive
 * @param end        last character, exclusive
 * @param kind       what was found, e.g. {@code payment-card}
 * @param confidence how sure the detector is, from 0 to 1
 */
public record Span(int start, int end, String kind, double confidence) {

    /** Refuses empty or inverted spans. */
    public Span {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        }
    }

    /** Number of characters covered. */
    public int length() {
        return end - start;
    }

    /** Whether this span and {@code other} share at least one character. */
    public boolean overlaps(Span other) {
        return start < other.end && other.start < end;
    }
}
