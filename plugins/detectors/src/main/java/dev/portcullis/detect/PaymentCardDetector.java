package dev.portcullis.detect;

import java.util.List;

/**
 * Payment card numbers: 13 to 19 digits, plain or in groups of 3 to 6 separated by spaces or
 * dashes, with an issuer prefix that exists (Visa, Mastercard, Amex, Discover, JCB, Diners,
 * UnionPay, Maestro) and a valid Luhn check digit.
 */
public final class PaymentCardDetector implements Detector, NumberRuns.Classifier {

    /** The detector's name. */
    public static final String NAME = "payment-card";

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
        if ((first == 0 && run.plus) || run.anyParen(first, last)) {
            return -1;
        }
        int digits = run.digits(first, last);
        if (digits < 13 || digits > 19) {
            return -1;
        }
        if (last > first) {
            if (!run.separatorsAre(first, last, ' ') && !run.separatorsAre(first, last, '-')) {
                return -1;
            }
            for (int g = first; g <= last; g++) {
                if (run.length(g) < 3 || run.length(g) > 6) {
                    return -1;
                }
            }
        }
        if (!knownIssuer(run.prefix(first, last, 4))) {
            return -1;
        }
        return Checksums.luhn(run.text(), run.start[first], run.end[last]) ? 0.9 : -1;
    }

    /** Whether the first four digits belong to a card scheme's range. */
    static boolean knownIssuer(int iin4) {
        int d1 = iin4 / 1000;
        int d2 = iin4 / 100;
        return switch (d1) {
            case 4, 6 -> true;                                   // Visa; Discover, UnionPay, Maestro
            case 5 -> true;                                      // Mastercard 51-55, Maestro 50, 56-59
            case 2 -> iin4 >= 2221 && iin4 <= 2720;              // Mastercard 2-series
            case 3 -> d2 == 30 || (d2 >= 34 && d2 <= 39);        // Diners, Amex, JCB
            default -> false;
        };
    }
}
