package dev.portcullis.plugins.redis;

/**
 * The sliding-window approximation, the same as the local store's: the previous fixed window's
 * count weighted by its overlap with the sliding window, plus the current window's count. Times
 * are in one unit, {@code elapsed} being the time since the current window began.
 */
final class SlidingWindowMath {

    private SlidingWindowMath() {}

    /** The estimated number of units used in the sliding window ending now. */
    static double estimate(long previous, long current, long elapsed, long window) {
        return previous * (double) (window - elapsed) / window + current;
    }

    /** How long until the estimate is back to zero. */
    static long resetAfter(long previous, long current, long elapsed, long window) {
        if (current > 0) {
            return window - elapsed + window;
        }
        return previous > 0 ? window - elapsed : 0;
    }

    /** How long until {@code cost} more units fit under {@code limit} (at least 1). */
    static long retryAfter(long previous, long current, long elapsed, long window, long limit, long cost) {
        long room = limit - cost;
        if (room < 0) {
            return Math.max(1, resetAfter(previous, current, elapsed, window));
        }
        if (current <= room && previous > 0) {
            double at = window * (1 - (double) (room - current) / previous);
            return Math.max(1, (long) Math.ceil(at - elapsed));
        }
        double at = current == 0 ? 0 : window * (1 - (double) room / current);
        return Math.max(1, window - elapsed + (long) Math.ceil(at));
    }
}
