package dev.portcullis.detect;

import java.util.List;

/**
 * Finds one kind of sensitive content in text. Implementations are immutable, thread-safe and
 * precompile whatever they need: {@link #scan} runs on the request path.
 */
public interface Detector {

    /** The detector's name, which is also the {@link Span#kind()} of what it finds. */
    String name();

    /** Appends every finding in {@code text} to {@code out}, in order of position. */
    void scan(CharSequence text, List<Span> out);

    /**
     * Scans the value of a named field (a JSON member or form field). Detectors that can use the
     * name as context (a high-entropy value under {@code "api_key"} is a secret) override this;
     * {@code name} may be {@code null}.
     */
    default void scanField(String name, CharSequence value, List<Span> out) {
        scan(value, out);
    }
}
