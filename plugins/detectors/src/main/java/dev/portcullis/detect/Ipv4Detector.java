package dev.portcullis.detect;

import java.util.List;

/**
 * Dotted-quad IPv4 addresses ({@code 192.168.0.10}); octets 0-255 without leading zeros, and not
 * part of a longer dotted number such as a version {@code 1.2.3.4.5}.
 */
public final class Ipv4Detector implements Detector, NumberRuns.Classifier {

    /** The detector's name. */
    public static final String NAME = "ipv4";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {
        if (text instanceof String s && s.indexOf('.') < 0) {
            return; // a quick, vectorised answer for the common case
        }
        NumberRuns.scan(text, NAME, this, out);
    }

    @Override
    public double classify(NumberRuns run, int first, int last) {
        if (first != 0 || last != run.groups - 1 || last != 3 || run.plus || run.anyParen(first, last)) {
            return -1;
        }
        if (!run.separatorsAre(first, last, '.')) {
            return -1;
        }
        for (int g = first; g <= last; g++) {
            int len = run.length(g);
            if (len > 3 || (len > 1 && run.lead(g) == '0') || run.prefix(g, g, 3) > 255) {
                return -1;
            }
        }
        return 0.9;
    }
}
