package dev.portcullis.detect;

/** The check-digit algorithms that separate real card numbers and IBANs from look-alikes. */
public final class Checksums {

    private Checksums() {}

    /** Luhn (mod 10) over the digits of {@code s[start, end)}; other characters are skipped. */
    public static boolean luhn(CharSequence s, int start, int end) {
        int sum = 0;
        boolean doubled = false;
        int digits = 0;
        for (int i = end - 1; i >= start; i--) {
            char c = s.charAt(i);
            if (!Chars.isDigit(c)) {
                continue;
            }
            int d = c - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
            digits++;
        }
        return digits > 0 && sum % 10 == 0;
    }

    /**
     * ISO 13616 check of an IBAN held in {@code s[start, end)} as upper-case letters and digits,
     * spaces skipped: the first four characters move to the end, letters become 10..35, and the
     * number must be 1 modulo 97.
     */
    public static boolean ibanMod97(CharSequence s, int start, int end) {
        int rem = 0;
        int skipped = 0;
        // two passes over the same range: from the fifth significant character, then the first four
        for (int pass = 0; pass < 2; pass++) {
            int seen = 0;
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (c == ' ') {
                    continue;
                }
                boolean head = seen < 4;
                seen++;
                if (head != (pass == 1)) {
                    continue;
                }
                if (Chars.isDigit(c)) {
                    rem = (rem * 10 + (c - '0')) % 97;
                } else if (Chars.isUpper(c)) {
                    rem = (rem * 100 + (c - 'A' + 10)) % 97;
                } else {
                    return false;
                }
            }
            skipped = seen;
        }
        return skipped >= 5 && rem == 1;
    }
}
