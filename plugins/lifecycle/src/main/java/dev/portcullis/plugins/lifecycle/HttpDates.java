package dev.portcullis.plugins.lifecycle;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The date formats of the lifecycle headers, and parsing of the config's timestamps. */
final class HttpDates {

    /** IMF-fixdate (RFC 9110 §5.6.7): two-digit day, always GMT. RFC_1123_DATE_TIME drops the leading zero. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {}

    /** {@code Sunset} header value (RFC 8594): an HTTP-date. */
    static String httpDate(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    /** {@code Deprecation} header value (RFC 9745): a structured-field Date, {@code @<epoch seconds>}. */
    static String structuredDate(Instant instant) {
        return "@" + instant.getEpochSecond();
    }

    /**
     * Parses an RFC 3339 timestamp ({@code 2027-01-01T00:00:00Z}, {@code 2027-01-01T01:00:00+01:00})
     * or a date ({@code 2027-01-01}, midnight UTC).
     *
     * @throws DateTimeParseException when it is neither
     */
    static Instant parse(String text) {
        String t = text.trim();
        if (t.length() == 10) {
            return java.time.LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return OffsetDateTime.parse(t).toInstant();
    }

    /** Whether {@link #parse} accepts {@code text}. */
    static boolean parses(String text) {
        try {
            parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
