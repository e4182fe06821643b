package dev.portcullis.detect;

/**
 * A view of a text that lets a regular expression read only so many characters. Java's regex
 * engine backtracks; an operator's pattern with nested quantifiers could otherwise spin for
 * minutes on a crafted body. The engine reads through {@link #charAt}, so counting there bounds
 * the work without threads or timeouts.
 */
public final class BoundedCharSequence implements CharSequence {

    /** Thrown when a match reads more characters than its budget allows. */
    public static final class BudgetExceededException extends RuntimeException {
        BudgetExceededException() {
            super("regular expression exceeded its step budget", null, false, false);
        }
    }

    private final CharSequence text;
    private long budget;

    private BoundedCharSequence(CharSequence text, long budget) {
        this.text = text;
        this.budget = budget;
    }

    /** A view allowing {@code perChar} reads per character of {@code text} (plus a small base). */
    public static BoundedCharSequence of(CharSequence text, int perChar) {
        return new BoundedCharSequence(text, 10_000L + (long) perChar * text.length());
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        if (--budget < 0) {
            throw new BudgetExceededException();
        }
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
