package dev.portcullis.spi;

import java.time.Duration;

/**
 * The answer of a rate check.
 *
 * @param allowed    whether the request is admitted
 * @param limit      the configured limit (bucket capacity or window limit)
 * @param remaining  what is left after this decision
 * @param resetAfter when the limit is fully available again
 * @param retryAfter when a refused request may succeed ({@link Duration#ZERO} when allowed)
 */
public record RateDecision(boolean allowed, long limit, long remaining, Duration resetAfter, Duration retryAfter) {}
