package dev.portcullis.kernel.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in config: {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d},
 * or ISO-8601 ({@code PT2S}). Negative durations are refused.
 */
public final class DurationFormat {

    /** Shown in errors and in the JSON schema. */
    public static final String EXAMPLES = "e.g. 500ms, 2s, 1m";

    /** The accepted forms, for the JSON schema. */
    public static final String PATTERN = "^([0-9]+ *(ms|s|m|h|d)|[Pp][0-9A-Za-z.]+)$";

    private static final Pattern SIMPLE = Pattern.compile("([0-9]+) *(ms|s|m|h|d)");

    private DurationFormat() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with a message for a human, e.g.
     *     {@code not a duration: '5x' (e.g. 500ms, 2s, 1m)}
     */
    public static Duration parse(String text) {
        String s = text.strip();
        Duration d;
        try {
            if (!s.isEmpty() && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } else {
                Matcher m = SIMPLE.matcher(s.toLowerCase(Locale.ROOT));
                if (!m.matches()) {
                    throw new IllegalArgumentException(invalid(text));
                }
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(invalid(text));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration too large: '" + text + "'");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: '" + text + "'");
        }
        return d;
    }

    /** The shortest exact config form: {@code 30s}, {@code 250ms}, {@code 2h}; ISO-8601 below a millisecond. */
    public static String format(Duration d) {
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    static String invalid(String text) {
        return "not a duration: '" + text + "' (" + EXAMPLES + ")";
    }
}
