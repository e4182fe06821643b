package dev.portcullis.kernel.observe;

import java.time.Instant;

/**
 * ISO-8601 UTC time stamps for log lines, the date and time to the second formatted once per
 * second: lines come many per second, and formatting a date is most of a line's cost. One
 * instance per writer; safe for any number of threads.
 */
final class IsoSeconds {

    private record Second(long epochSecond, String text) {}

    private volatile Second last = new Second(Long.MIN_VALUE, "");

    /** {@code 2026-11-24T05:25:22}: the second as {@link Instant#toString()} writes it, without the {@code Z}. */
    String of(long epochSecond) {
        Second s = last;
        if (s.epochSecond() != epochSecond) {
            String whole = Instant.ofEpochSecond(epochSecond).toString(); // no fraction: ends with Z
            s = new Second(epochSecond, whole.substring(0, whole.length() - 1));
            last = s;
        }
        return s.text();
    }

    /** Appends {@code 2026-11-24T05:25:22.007Z} for {@code epochMillis}. */
    StringBuilder appendMillis(StringBuilder b, long epochMillis) {
        int ms = (int) Math.floorMod(epochMillis, 1000L);
        return b.append(of(Math.floorDiv(epochMillis, 1000L))).append('.')
                .append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10))
                .append('Z');
    }
}
