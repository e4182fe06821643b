package dev.portcullis.spi;

import java.util.List;

/**
 * Scores a text for prompt injection: instruction overrides, role hijacks, hidden or encoded
 * instructions. The {@code prompt-guard} policy is one, and the same detectors are offered as a
 * component so other layers can use them (the MCP gate scans tool descriptions and tool results
 * with it; {@code portcullis eval guard} measures it on labelled data).
 *
 * <p>Thread-safe; CPU-bound and blocking (milliseconds).
 */
public interface InjectionDetector {

    /** Scans {@code text}; never null. */
    Detection detect(String text);

    /**
     * A detector's verdict on one text.
     *
     * @param score    the combined score in [0, 1]
     * @param injected whether the score reached the detector's threshold
     * @param reasons  one short reason per detector that fired, e.g. {@code heuristic:instruction-override};
     *                 never the text itself
     */
    record Detection(double score, boolean injected, List<String> reasons) {
        public Detection {
            reasons = List.copyOf(reasons);
        }

        /** Nothing found. */
        public static Detection clean() {
            return new Detection(0, false, List.of());
        }
    }
}
