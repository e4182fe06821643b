package dev.portcullis.guard;

import java.util.HashMap;
import java.util.Map;

/**
 * The reversible placeholders of one exchange: the same value always gets the same placeholder
 * ({@code <EMAIL_1>}), so the model can still tell values apart, and the response phase maps them
 * back. Lives in the exchange only; never logged.
 */
final class Placeholders {

    private final Map<String, String> byValue = new HashMap<>();
    private final Map<String, String> byPlaceholder = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** The placeholder of {@code value}, made on first sight. */
    synchronized String placeholder(String kind, String value) {
        String key = kind + '\u0000' + value;
        String p = byValue.get(key);
        if (p == null) {
            int n = counters.merge(kind, 1, Integer::sum);
            p = "<" + PiiRedactor.label(kind) + "_" + n + ">";
            byValue.put(key, p);
            byPlaceholder.put(p, value);
        }
        return p;
    }

    /** The value behind {@code placeholder}, or null. */
    synchronized String original(String placeholder) {
        return byPlaceholder.get(placeholder);
    }

    synchronized boolean isEmpty() {
        return byPlaceholder.isEmpty();
    }
}
