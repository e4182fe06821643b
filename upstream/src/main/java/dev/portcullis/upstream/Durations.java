package dev.portcullis.upstream;

import java.time.Duration;

/** Durations in the words the config uses: {@code 2s}, {@code 500ms}. */
public final class Durations {

    private Durations() {}

    /** {@code 2s}, {@code 1500ms}, {@code 1m}. */
    public static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Milliseconds for a socket timeout: at least 1 (0 would mean "forever"), at most int. */
    public static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
