package dev.portcullis.detect;

import java.util.List;
import java.util.Locale;

/**
 * E-mail addresses ({@code local@domain.tld}): found from each {@code @} outwards, so text
 * without one costs a single pass. The domain needs a dot and a letter-only top-level label.
 */
public final class EmailDetector implements Detector {

    /** The detector's name. */
    public static final String NAME = "email";

    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {

        int from = 0;
        for (int at = indexOf(text, '@', 0); at >= 0; at = indexOf(text, '@', from)) {
            from = at + 1;
            int start = at;
            while (start > 0 && at - start < MAX_LOCAL && isLocal(text.charAt(start - 1))) {
                start--;
            }
            while (start < at && text.charAt(start) == '.') {
                start++;
            }
            if (start == at || text.charAt(at - 1) == '.') {
                continue;
            }
            int end = domainEnd(text, at + 1);
            if (end > 0) {
                out.add(new Span(start, end, NAME, 0.95));
                from = end;
            }
        }
    }

    /**
     * The lower-case domain of an address written {@code user@domain}, {@code Name <user@domain>}
     * or with surrounding spaces, or {@code null} if {@code value} is not one e-mail address.
     */
    public static String domainOf(String value) {
        String v = value.strip();
        int lt = v.lastIndexOf('<');
        if (lt >= 0 && v.endsWith(">")) {
            v = v.substring(lt + 1, v.length() - 1).strip();
        }
        int at = v.lastIndexOf('@');
        if (at <= 0 || at == v.length() - 1) {
            return null;
        }
        for (int i = 0; i < at; i++) {
            if (!isLocal(v.charAt(i)) && v.charAt(i) != '"') {
                return null;
            }
        }
        String domain = v.endsWith(".") ? v.substring(at + 1, v.length() - 1) : v.substring(at + 1);
        return domainEnd(domain, 0) == domain.length() ? domain.toLowerCase(Locale.ROOT) : null;
    }

    /**
     * The end of a valid domain starting at {@code from}, or -1. Trailing dots and hyphens are
     * punctuation, not part of the domain.
     */
    static int domainEnd(CharSequence text, int from) {
        int n = text.length();
        int end = from;
        while (end < n && end - from < MAX_DOMAIN && isDomain(text.charAt(end))) {
            end++;
        }
        while (end > from && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
            end--;
        }
        // labels non-empty, not starting with '-', at least two, the last all letters (2+)
        int labels = 0;
        int labelStart = from;
        boolean tldLetters = true;
        for (int i = from; i <= end; i++) {
            if (i == end || text.charAt(i) == '.') {
                if (i == labelStart || text.charAt(labelStart) == '-') {
                    return -1;
                }
                labels++;
                tldLetters = i - labelStart >= 2;
                for (int k = labelStart; k < i && tldLetters; k++) {
                    tldLetters = Chars.isLetter(text.charAt(k));
                }
                labelStart = i + 1;
            }
        }
        return labels >= 2 && tldLetters ? end : -1;
    }

    private static boolean isLocal(char c) {
        return Chars.isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isDomain(char c) {
        return Chars.isAlnum(c) || c == '.' || c == '-';
    }

    private static int indexOf(CharSequence s, char c, int from) {
        if (s instanceof String str) {
            return str.indexOf(c, from);
        }
        for (int i = from, n = s.length(); i < n; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
