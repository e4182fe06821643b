package dev.portcullis.plugins.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses {@code Retry-After}: delay seconds or an HTTP date. */
final class RetryAfter {

    private static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {}

    /** The delay, or null when absent or unreadable. */
    static Duration parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? null : Duration.ofSeconds(Math.min(s, MAX.toSeconds()));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : (d.compareTo(MAX) > 0 ? MAX : d);
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
