package dev.portcullis.plugins.redis;

import dev.portcullis.spi.RateDecision;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in Redis, shared by every gateway node that uses the same Redis and key
 * prefix.
 *
 * <p>Compound operations are Lua scripts, atomic on the server, sent by digest ({@code EVALSHA})
 * and loaded again when the server answers {@code NOSCRIPT} (after a restart). Rate limiters read
 * the server's clock ({@code TIME}), so nodes with skewed clocks agree.
 *
 * <p>Failure: every call either answers within the configured timeout or throws
 * {@link StoreUnavailableException}. While the connection is down, calls fail at once (they are
 * not queued); Lettuce reconnects in the background with a short backoff. If Redis is not up when
 * the store is created, the first connection is retried at most once a second, on demand.
 */
public final class RedisStateStore implements StateStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStateStore.class);
    private static final Duration RECONNECT_MAX_DELAY = Duration.ofSeconds(1);
    private static final long CONNECT_RETRY_NANOS = RECONNECT_MAX_DELAY.toNanos();

    private static final LuaScript COUNTER_ADD = LuaScript.load("counter-add.lua", ScriptOutputType.INTEGER);
    private static final LuaScript TOKEN_BUCKET = LuaScript.load("token-bucket.lua", ScriptOutputType.MULTI);
    private static final LuaScript SLIDING_WINDOW = LuaScript.load("sliding-window.lua", ScriptOutputType.MULTI);

    /** Operations, as tagged on the error meter. */
    enum Op {
        CONNECT, ADD, GET, TOKEN_BUCKET, SLIDING_WINDOW, GET_VALUE, PUT_VALUE, PUT_VALUE_IF_ABSENT, DELETE, SCAN;

        final String tag = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final String keyPrefix;
    private final Duration timeout;
    private final ClientResources resources;
    private final RedisClient client;
    private final Map<Op, Counter> errors = new EnumMap<>(Op.class);
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile long nextConnectAttempt;
    private volatile boolean closed;

    /** A store for {@code config}, counting errors in {@code meters}; connects at once if it can. */
    public RedisStateStore(RedisStoreConfig config, MeterRegistry meters) {
        this.keyPrefix = config.keyPrefix();
        this.timeout = config.timeout();
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), RECONNECT_MAX_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(config.uri());
        uri.setTimeout(timeout); // the synchronous API's wait, on top of the per-command timeout below
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail fast while disconnected instead of queueing requests behind a dead link.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(max(timeout, Duration.ofSeconds(1))).build())
                .build());
        for (Op op : Op.values()) {
            errors.put(op, Counter.builder("portcullis.store.errors")
                    .description("State store operations that failed")
                    .tags("store", "redis", "op", op.tag)
                    .register(meters));
        }
        try {
            commands();
        } catch (StoreUnavailableException e) {
            LOG.warn("Redis store not reachable yet, will retry on demand: {}", e.getMessage());
        }
    }

    // ---- counters ----

    @Override
    public long add(String key, long delta, Duration ttl) {
        return call(Op.ADD, c -> (Long) COUNTER_ADD.run(c, keyPrefix + key, arg(delta), arg(millis(ttl))));
    }

    @Override
    public long get(String key) {
        byte[] value = call(Op.GET, c -> c.get(keyPrefix + key));
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("key '" + key + "' holds a value, not a counter", e);
        }
    }

    // ---- rate limiters ----

    @Override
    public RateDecision tokenBucket(String key, long capacity, double refillPerSecond, long cost) {
        if (capacity <= 0 || refillPerSecond <= 0 || cost < 0) {
            throw new IllegalArgumentException("capacity and refill rate must be positive, cost not negative");
        }
        List<Object> r = call(Op.TOKEN_BUCKET, c -> TOKEN_BUCKET.run(c, keyPrefix + key,
                arg(capacity), arg(Double.toString(refillPerSecond)), arg(cost)));
        boolean allowed = (Long) r.get(0) == 1;
        return new RateDecision(allowed, capacity, (Long) r.get(1),
                Duration.of((Long) r.get(2), java.time.temporal.ChronoUnit.MICROS),
                Duration.of((Long) r.get(3), java.time.temporal.ChronoUnit.MICROS));
    }

    @Override
    public RateDecision slidingWindow(String key, long limit, Duration window, long cost) {
        long w = window.toMillis();
        if (w <= 0 || limit <= 0 || cost < 0) {
            throw new IllegalArgumentException("window (at least 1ms) and limit must be positive, cost not negative");
        }
        List<Object> r = call(Op.SLIDING_WINDOW, c -> SLIDING_WINDOW.run(c, keyPrefix + key, arg(limit), arg(w), arg(cost)));
        boolean allowed = (Long) r.get(0) == 1;
        long current = (Long) r.get(1);
        long previous = (Long) r.get(2);
        long elapsed = (Long) r.get(3);
        double estimate = SlidingWindowMath.estimate(previous, current, elapsed, w);
        long remaining = Math.max(0, (long) Math.floor(limit - estimate));
        long reset = SlidingWindowMath.resetAfter(previous, current, elapsed, w);
        long retry = allowed ? 0 : SlidingWindowMath.retryAfter(previous, current, elapsed, w, limit, cost);
        return new RateDecision(allowed, limit, remaining, Duration.ofMillis(reset), Duration.ofMillis(retry));
    }

    // ---- values ----

    @Override
    public Optional<byte[]> getValue(String key) {
        return Optional.ofNullable(call(Op.GET_VALUE, c -> c.get(keyPrefix + key)));
    }

    @Override
    public void putValue(String key, byte[] value, Duration ttl) {
        call(Op.PUT_VALUE, c -> c.set(keyPrefix + key, value, SetArgs.Builder.px(millis(ttl))));
    }

    @Override
    public boolean putValueIfAbsent(String key, byte[] value, Duration ttl) {
        return "OK".equals(call(Op.PUT_VALUE_IF_ABSENT,
                c -> c.set(keyPrefix + key, value, SetArgs.Builder.nx().px(millis(ttl)))));
    }

    @Override
    public void delete(String key) {
        call(Op.DELETE, c -> c.del(keyPrefix + key));
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        // SCAN, not KEYS: it does not block Redis while it walks a large keyspace.
        String pattern = (keyPrefix + prefix).replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + '*';
        return call(Op.SCAN, c -> {
            List<String> keys = new ArrayList<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
                for (String k : page.getKeys()) {
                    if (keys.size() < limit) {
                        keys.add(k.substring(keyPrefix.length()));
                    }
                }
                cursor = page;
            } while (!cursor.isFinished() && keys.size() < limit);
            return keys;
        });
    }

    /** Closes the connection and releases the client's threads. */
    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    // ---- internals ----

    /** Runs one operation, translating Redis failures into the SPI's exceptions. */
    private <T> T call(Op op, Function<RedisCommands<String, byte[]>, T> action) {
        RedisCommands<String, byte[]> commands = commands();
        try {
            return action.apply(commands);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                // A caller bug, not an outage: the key holds another kind of entry.
                throw new IllegalStateException("a Redis key of another kind is in the way: " + e.getMessage(), e);
            }
            throw unavailable(op, "Redis refused " + op.tag + ": " + e.getMessage(), e);
        } catch (RedisCommandTimeoutException e) {
            throw unavailable(op, "Redis did not answer " + op.tag + " within " + timeout.toMillis() + "ms", e);
        } catch (RedisException e) {
            throw unavailable(op, "Redis is unavailable for " + op.tag + ": " + e.getMessage(), e);
        }
    }

    private StoreUnavailableException unavailable(Op op, String message, Throwable cause) {
        errors.get(op).increment();
        return new StoreUnavailableException(message, cause);
    }

    /**
     * The connection's commands, connecting first if no connection was ever made. Once made,
     * Lettuce keeps the connection and re-establishes it by itself.
     */
    private RedisCommands<String, byte[]> commands() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            return c.sync();
        }
        if (closed) {
            throw unavailable(Op.CONNECT, "the Redis store is closed", null);
        }
        boolean locked = false;
        try {
            locked = connecting.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!locked) {
                throw unavailable(Op.CONNECT, "Redis connection is being established", null);
            }
            if (connection == null) {
                if (System.nanoTime() - nextConnectAttempt < 0) {
                    throw unavailable(Op.CONNECT, "Redis is not connected (retrying)", null);
                }
                try {
                    connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                } catch (RedisException e) {
                    nextConnectAttempt = System.nanoTime() + CONNECT_RETRY_NANOS;
                    throw unavailable(Op.CONNECT, "cannot connect to Redis: " + e.getMessage(), e);
                }
            }
            return connection.sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(Op.CONNECT, "interrupted while connecting to Redis", e);
        } finally {
            if (locked) {
                connecting.unlock();
            }
        }
    }

    private static byte[] arg(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] arg(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Redis expiries are whole milliseconds, at least one. */
    private static long millis(Duration ttl) {
        try {
            return Math.max(1, ttl.toMillis());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
