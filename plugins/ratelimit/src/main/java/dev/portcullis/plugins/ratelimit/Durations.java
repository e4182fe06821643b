package dev.portcullis.plugins.ratelimit;

import java.time.Duration;

/** Durations as people write them in config: {@code 1s}, {@code 500ms}, {@code 1m}, {@code 2h}. */
final class Durations {

    private Durations() {}

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
