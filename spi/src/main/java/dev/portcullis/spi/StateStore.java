package dev.portcullis.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Shared counters, rate limiters and short-lived values. The local store keeps them in memory;
 * the Redis store shares them between gateway nodes. Every operation is atomic.
 *
 * <p>Implementations throw {@link StoreUnavailableException} when their backing service cannot
 * answer; callers decide whether to fail open or closed.
 */
public interface StateStore {

    /**
     * Adds {@code delta} to a counter and returns the new value. A new counter expires
     * {@code ttl} after it was created (a fixed window); later adds do not extend it.
     */
    long add(String key, long delta, Duration ttl);

    /** The current value of a counter, 0 if absent or expired. */
    long get(String key);

    /**
     * Takes {@code cost} tokens from a bucket of {@code capacity} tokens refilled continuously at
     * {@code refillPerSecond}; nothing is taken when there are not enough.
     */
    RateDecision tokenBucket(String key, long capacity, double refillPerSecond, long cost);

    /**
     * Admits {@code cost} units if the sliding-window total over the last {@code window} stays
     * within {@code limit} (approximated by two fixed windows, weighted).
     */
    RateDecision slidingWindow(String key, long limit, Duration window, long cost);

    /** The value stored under {@code key}, if present and not expired. */
    Optional<byte[]> getValue(String key);

    /** Stores a value that expires after {@code ttl}. */
    void putValue(String key, byte[] value, Duration ttl);

    /** Stores a value only if the key is absent; returns whether it was stored. */
    boolean putValueIfAbsent(String key, byte[] value, Duration ttl);

    /** Removes a key of any kind. */
    void delete(String key);

    /**
     * Up to {@code limit} live keys of any kind that start with {@code prefix}, in no particular
     * order: for admin views (spend per consumer, pending approvals), never for the data path.
     */
    List<String> keys(String prefix, int limit);
}
