package dev.portcullis.plugins.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One budget period (a UTC calendar day or month) and the store key of an owner's spend in it.
 * The key ends with the period's first day, so spend of different periods never shares a counter
 * and the admin view can tell the current period's keys from the previous one's.
 *
 * @param start the first day
 * @param begins the instant the period begins
 * @param ends   the instant the next period begins
 */
record BudgetPeriod(LocalDate start, Instant begins, Instant ends) {

    /** The period of {@code kind} that contains {@code now}. */
    static BudgetPeriod containing(Instant now, BudgetConfig.Period kind) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate start = kind == BudgetConfig.Period.DAY ? today : today.withDayOfMonth(1);
        LocalDate end = kind == BudgetConfig.Period.DAY ? today.plusDays(1) : start.plusMonths(1);
        return new BudgetPeriod(start, start.atStartOfDay(ZoneOffset.UTC).toInstant(), end.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The counter key of {@code owner}'s spend in this period, under {@code prefix}. */
    String key(String prefix, String owner) {
        return prefix + owner + ":" + start;
    }

    /** The owner of a counter key of this period under {@code prefix}, or null for another period's key. */
    String ownerOf(String prefix, String key) {
        String suffix = ":" + start;
        if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length() <= prefix.length() + suffix.length()) {
            return null;
        }
        return key.substring(prefix.length(), key.length() - suffix.length());
    }

    /** How long a counter of this period must live from {@code now}: to the end, plus an hour of slack. */
    Duration ttlFrom(Instant now) {
        return Duration.between(now, ends).plusHours(1);
    }

    /** Seconds from {@code now} to the end, at least 1 (for {@code Retry-After}). */
    long secondsLeft(Instant now) {
        return Math.max(1, Duration.between(now, ends).toSeconds());
    }
}
