package dev.portcullis.detect;

/** Character classes shared by the hand-written scanners (ASCII only, no allocation). */
final class Chars {

    private Chars() {}

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isAlnum(char c) {
        return isDigit(c) || isLetter(c);
    }

    static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Whether the character before {@code i} is absent or not a letter or digit (a word start). */
    static boolean boundaryBefore(CharSequence s, int i) {
        return i == 0 || !isAlnum(s.charAt(i - 1));
    }

    /** Whether the character at {@code i} is absent or not a letter or digit (a word end). */
    static boolean boundaryAt(CharSequence s, int i) {
        return i >= s.length() || !isAlnum(s.charAt(i));
    }

    /** Shannon entropy of {@code s[start, end)} in bits per character. */
    static double entropy(CharSequence s, int start, int end) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double n = end - start;
        double h = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = count / n;
                h -= p * Math.log(p);
            }
        }
        if (other > 0) {
            double p = other / n;
            h -= p * Math.log(p);
        }
        return h / Math.log(2);
    }
}
