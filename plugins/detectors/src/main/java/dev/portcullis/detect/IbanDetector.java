package dev.portcullis.detect;

import java.util.List;
import java.util.Map;

/**
 * International bank account numbers, compact ({@code DE89370400440532013000}) or in print form
 * with spaces ({@code DE89 3704 0044 0532 0130 00}): a known country code, that country's length,
 * and a valid ISO 13616 mod-97 check.
 */
public final class IbanDetector implements Detector {

    /** The detector's name. */
    public static final String NAME = "iban";

    /** IBAN lengths by country (SWIFT IBAN registry). */
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20),
            Map.entry("AZ", 28), Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22),
            Map.entry("BH", 22), Map.entry("BI", 27), Map.entry("BR", 29), Map.entry("BY", 28),
            Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
            Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18),
            Map.entry("FK", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27),
            Map.entry("GT", 28), Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22),
            Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26), Map.entry("IT", 27),
            Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28),
            Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24),
            Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MN", 20), Map.entry("MR", 27),
            Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28), Map.entry("NL", 18),
            Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28),
            Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24),
            Map.entry("RS", 22), Map.entry("RU", 33), Map.entry("SA", 24), Map.entry("SC", 31),
            Map.entry("SD", 18), Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24),
            Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25), Map.entry("SV", 28),
            Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
            Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30));

    /** Lengths indexed by the two letters, 0 for unknown countries: no hashing per candidate. */
    private static final byte[] LENGTH_BY_CODE = new byte[26 * 26];

    static {
        LENGTHS.forEach((cc, len) -> LENGTH_BY_CODE[(cc.charAt(0) - 'A') * 26 + cc.charAt(1) - 'A'] = len.byteValue());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {
        Digits digits = Digits.of(text);
        if (digits == null) {
            return; // the check digits are digits: no digit, no IBAN
        }
        int n = text.length();
        int i = 0;
        while (i + 4 <= n) {
            // a candidate has its first check digit two characters in: skip to the next digit
            int d = digits.next(i + 2);
            if (d < 0) {
                return;
            }
            i = d - 2;
            if (i + 4 > n) {
                return;
            }
            char a = text.charAt(i);
            if (!Chars.isUpper(a) || !Chars.boundaryBefore(text, i) || !Chars.isUpper(text.charAt(i + 1))
                    || !Chars.isDigit(text.charAt(i + 2)) || !Chars.isDigit(text.charAt(i + 3))) {
                i++;
                continue;
            }
            int length = LENGTH_BY_CODE[(a - 'A') * 26 + text.charAt(i + 1) - 'A'];
            int end = length == 0 ? -1 : end(text, i, length);
            if (end > 0 && Checksums.ibanMod97(text, i, end)) {
                out.add(new Span(i, end, NAME, 0.95));
                i = end;
            } else {
                i++;
            }
        }
    }

    /**
     * Where an IBAN of {@code length} significant characters starting at {@code start} ends, or -1.
     * Spaces are allowed only between blocks of four (the print form).
     */
    private static int end(CharSequence text, int start, int length) {
        int n = text.length();
        int i = start;
        int taken = 0;
        while (taken < length && i < n) {
            char c = text.charAt(i);
            if (c == ' ' && taken % 4 == 0 && taken > 0 && i + 1 < n && text.charAt(i + 1) != ' ') {
                i++;
                continue;
            }
            if (!Chars.isDigit(c) && !Chars.isUpper(c)) {
                return -1;
            }
            taken++;
            i++;
        }
        return taken == length && Chars.boundaryAt(text, i) ? i : -1;
    }
}
