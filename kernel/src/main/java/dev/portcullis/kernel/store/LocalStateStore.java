package dev.portcullis.kernel.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.spi.RateDecision;
import dev.portcullis.spi.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The in-memory {@link StateStore}: counters, token buckets, sliding windows and values local to
 * this gateway node.
 *
 * <p>Entries are immutable and replaced with per-key atomic {@code compute} calls on a bounded
 * Caffeine map: no global lock, and the critical section is a few arithmetic operations. Every
 * entry carries its own deadline; expired entries are treated as absent at once and dropped by
 * Caffeine's upkeep as later calls pass, and at most {@code maxKeys} are kept (evicting a key
 * resets it).
 *
 * <p>A key holds one kind of entry; using it as another kind throws {@link IllegalStateException}
 * (values excepted: {@link #putValue} overwrites whatever was there).
 *
 * <p>Byte arrays are stored and returned as they are: callers must not modify them.
 */
public final class LocalStateStore implements StateStore {

    private static final double NANOS_PER_SECOND = 1e9;

    private final Cache<String, Entry> cache;
    private final ConcurrentMap<String, Entry> map;
    private final LongSupplier nanoTime;

    /** A store of at most {@code maxKeys} keys on the system clock. */
    public LocalStateStore(int maxKeys) {
        this(maxKeys, System::nanoTime);
    }

    /** A store on the given monotonic clock in nanoseconds (tests move it by hand). */
    public LocalStateStore(int maxKeys, LongSupplier nanoTime) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("maxKeys must be positive");
        }
        this.nanoTime = nanoTime;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfter(new DeadlineExpiry())
                .ticker(nanoTime::getAsLong)
                // Upkeep (expiry, eviction) on the calling thread. Handed to the common pool,
                // nearly every write woke one of its parked threads: a futex wake and two context
                // switches per rate-limited request, more than the upkeep itself costs.
                .executor(Runnable::run)
                .build();
        this.map = cache.asMap();
    }

    // ---- counters ----

    @Override
    public long add(String key, long delta, Duration ttl) {
        Counter c = (Counter) map.compute(key, (k, e) -> {
            long now = nanoTime.getAsLong();
            Counter old = live(k, e, now, Counter.class);
            return old == null
                    ? new Counter(delta, deadline(now, ttl))
                    : new Counter(old.value + delta, old.deadline);
        });
        return c.value;
    }

    @Override
    public long get(String key) {
        Counter c = live(key, map.get(key), nanoTime.getAsLong(), Counter.class);
        return c == null ? 0 : c.value;
    }

    // ---- token bucket ----

    @Override
    public RateDecision tokenBucket(String key, long capacity, double refillPerSecond, long cost) {
        if (capacity <= 0 || refillPerSecond <= 0 || cost < 0) {
            throw new IllegalArgumentException("capacity and refill rate must be positive, cost not negative");
        }
        Bucket b = (Bucket) map.compute(key, (k, e) -> {
            long now = nanoTime.getAsLong();
            Bucket old = live(k, e, now, Bucket.class);
            double tokens = old == null
                    ? capacity
                    : Math.min(capacity, old.tokens + (now - old.at) * refillPerSecond / NANOS_PER_SECOND);
            boolean allowed = tokens >= cost;
            if (allowed) {
                tokens -= cost;
            }
            // The entry can go once the bucket is full again: absent means full.
            long untilFull = nanosFor(capacity - tokens, refillPerSecond);
            return new Bucket(tokens, now, saturatedAdd(now, Math.max(1, untilFull)), allowed);
        });
        long untilFull = b.deadline - b.at;
        long retry = b.allowed ? 0 : Math.max(1, nanosFor(cost - b.tokens, refillPerSecond));
        return new RateDecision(b.allowed, capacity, (long) Math.floor(b.tokens),
                Duration.ofNanos(untilFull), Duration.ofNanos(retry));
    }

    // ---- sliding window ----

    @Override
    public RateDecision slidingWindow(String key, long limit, Duration window, long cost) {
        long w = window.toNanos();
        if (w <= 0 || limit <= 0 || cost < 0) {
            throw new IllegalArgumentException("window and limit must be positive, cost not negative");
        }
        Window win = (Window) map.compute(key, (k, e) -> {
            long now = nanoTime.getAsLong();
            long index = Math.floorDiv(now, w);
            Window old = live(k, e, now, Window.class);
            long current = 0;
            long previous = 0;
            if (old != null && old.index == index) {
                current = old.current;
                previous = old.previous;
            } else if (old != null && old.index == index - 1) {
                previous = old.current;
            }
            long elapsed = now - index * w;
            boolean allowed = SlidingWindowMath.estimate(previous, current, elapsed, w) + cost <= limit;
            if (allowed) {
                current += cost;
            }
            // Two windows after this one started, both counts have decayed to nothing.
            return new Window(index, current, previous, now, saturatedAdd(index * w, 2 * w), allowed);
        });
        long elapsed = win.at - win.index * w;
        double estimate = SlidingWindowMath.estimate(win.previous, win.current, elapsed, w);
        long remaining = Math.max(0, (long) Math.floor(limit - estimate));
        long reset = SlidingWindowMath.resetAfter(win.previous, win.current, elapsed, w);
        long retry = win.allowed ? 0 : SlidingWindowMath.retryAfter(win.previous, win.current, elapsed, w, limit, cost);
        return new RateDecision(win.allowed, limit, remaining, Duration.ofNanos(reset), Duration.ofNanos(retry));
    }

    // ---- values ----

    @Override
    public Optional<byte[]> getValue(String key) {
        Value v = live(key, map.get(key), nanoTime.getAsLong(), Value.class);
        return v == null ? Optional.empty() : Optional.of(v.bytes);
    }

    @Override
    public void putValue(String key, byte[] value, Duration ttl) {
        map.put(key, new Value(value, deadline(nanoTime.getAsLong(), ttl)));
    }

    @Override
    public boolean putValueIfAbsent(String key, byte[] value, Duration ttl) {
        Value[] created = new Value[1];
        map.compute(key, (k, e) -> {
            long now = nanoTime.getAsLong();
            if (e != null && e.deadline() > now) {
                return e;
            }
            created[0] = new Value(value, deadline(now, ttl));
            return created[0];
        });
        return created[0] != null;
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        long now = nanoTime.getAsLong();
        List<String> keys = new ArrayList<>();
        for (var e : map.entrySet()) {
            if (keys.size() >= limit) {
                break;
            }
            if (e.getKey().startsWith(prefix) && e.getValue().deadline() > now) {
                keys.add(e.getKey());
            }
        }
        return keys;
    }

    /** Number of keys held, expired ones included until they are cleaned up (for tests and the admin API). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    // ---- internals ----

    /** {@code e} if it is live and of {@code kind}; null if absent or expired. */
    private static <T extends Entry> T live(String key, Entry e, long now, Class<T> kind) {
        if (e == null || e.deadline() <= now) {
            return null;
        }
        if (!kind.isInstance(e)) {
            throw new IllegalStateException("key '" + key + "' holds a " + e.kind() + ", not a " + kindName(kind));
        }
        return kind.cast(e);
    }

    private static String kindName(Class<? extends Entry> kind) {
        return kind.getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static long deadline(long now, Duration ttl) {
        long nanos;
        try {
            nanos = ttl.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        return saturatedAdd(now, Math.max(0, nanos));
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long nanosFor(double tokens, double perSecond) {
        return tokens <= 0 ? 0 : (long) Math.ceil(tokens / perSecond * NANOS_PER_SECOND);
    }

    /** Something held under a key, with the ticker time at which it expires. */
    private sealed interface Entry permits Counter, Bucket, Window, Value {
        long deadline();

        default String kind() {
            return kindName(getClass());
        }
    }

    private record Counter(long value, long deadline) implements Entry {}

    /** A token bucket as of {@code at}; {@code allowed} is the outcome of the last take. */
    private record Bucket(double tokens, long at, long deadline, boolean allowed) implements Entry {}

    /** Counts of the window {@code index} and the one before it, as of {@code at}. */
    private record Window(long index, long current, long previous, long at, long deadline, boolean allowed)
            implements Entry {}

    private record Value(byte[] bytes, long deadline) implements Entry {}

    /** Each entry lives until its own deadline. */
    private static final class DeadlineExpiry implements Expiry<String, Entry> {
        @Override
        public long expireAfterCreate(String key, Entry value, long currentTime) {
            return Math.max(0, value.deadline() - currentTime);
        }

        @Override
        public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
            return Math.max(0, value.deadline() - currentTime);
        }

        @Override
        public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
