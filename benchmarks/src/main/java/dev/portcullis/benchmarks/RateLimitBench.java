package dev.portcullis.benchmarks;

import dev.portcullis.kernel.chain.DefaultExchange;
import dev.portcullis.kernel.chain.PolicyChain;
import dev.portcullis.kernel.store.LocalStoreFactory;
import dev.portcullis.plugins.ratelimit.RateLimitPolicyFactory;
import dev.portcullis.plugins.redis.RedisStoreFactory;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import dev.portcullis.spi.StateStore;
import dev.portcullis.spi.StoreUnavailableException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One admitted rate-limit check through the {@code rate-limit} policy, built by
 * {@link RateLimitPolicyFactory} from
 * <pre>
 * { type: rate-limit, key: consumer, algorithm: &lt;algorithm&gt;, limit: 1000000000, period: 1m,
 *   store: bench, failMode: closed }
 * </pre>
 * over a store built by its factory: {@code local} ({@code { type: local }}, the kernel's in-memory
 * store) or {@code redis} ({@code { type: redis, uri: "redis://127.0.0.1:6379", keyPrefix:
 * <unique per run>, timeout: 1s }}: Lettuce, one Lua script per check, over loopback). Each
 * invocation runs a {@link PolicyChain} of that one policy around a backend answering 200, on a new
 * {@link DefaultExchange} for {@code GET /orders/42} whose identity (consumer {@code support-agent},
 * as an auth policy would have set it) gives the key: the request phase (the store check), then the
 * response phase (the three {@code RateLimit-*} headers). The limit is far above what a run can
 * use, so every check is admitted, all on the same key.
 *
 * <p>The {@code redis} variant needs Redis at 127.0.0.1:6379 ({@code -Dbench.redis=redis://host:port}
 * elsewhere, passed with {@code -jvmArgsAppend}); without it setup fails with a hint,
 * and any refusal during the run (a 503 from {@code failMode: closed}) fails the benchmark rather
 * than being measured. Its keys are deleted at the end.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RateLimitBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitBench {

    /** Where the benchmark expects Redis: {@code -Dbench.redis=redis://host:port} to change it. */
    public static final String REDIS_URI = System.getProperty("bench.redis", "redis://127.0.0.1:6379");

    private static final RouteInfo ROUTE = new RouteInfo("orders", "http");
    private static final Identity IDENTITY = new Identity("support-agent", "portcullis", "api-key",
            Set.of(), Map.of(), "support-agent", Map.of("team", "support"));

    /** The store: {@code local} or {@code redis}. */
    @Param({"local", "redis"})
    public String store;

    /** The counting algorithm. */
    @Param({"sliding-window", "token-bucket"})
    public String algorithm;

    private final Clock clock = Clock.systemUTC();
    private final FixedRequest request = new FixedRequest("GET", "/orders/42", "api.example.com",
            "Host", "api.example.com", "Accept", "application/json", "User-Agent", "bench/1.0");
    private BenchContext context;
    private StateStore stateStore;
    private String keyPrefix;
    private Policy policy;
    private PolicyChain chain;

    /** Builds the store and the policy; checks that Redis answers. */
    @Setup(Level.Trial)
    public void setUp() {
        context = new BenchContext();
        stateStore = switch (store) {
            case "local" -> Factories.component(new LocalStoreFactory(), "type: local", context);
            case "redis" -> redisStore();
            default -> throw new IllegalArgumentException("unknown store " + store);
        };
        context.with("bench", stateStore);
        policy = Factories.policy(new RateLimitPolicyFactory(), "{ type: rate-limit, key: consumer, algorithm: " + algorithm
                + ", limit: 1000000000, period: 1m, store: bench, failMode: closed }", context);
        chain = new PolicyChain(List.of(policy), new OkBackend());
    }

    private StateStore redisStore() {
        keyPrefix = "portcullis-bench:" + UUID.randomUUID() + ":";
        StateStore redis = Factories.component(new RedisStoreFactory(),
                "{ type: redis, uri: \"" + REDIS_URI + "\", keyPrefix: \"" + keyPrefix + "\", timeout: 1s }", context);
        try {
            redis.putValue("probe", "ok".getBytes(StandardCharsets.UTF_8), java.time.Duration.ofSeconds(10));
        } catch (StoreUnavailableException e) {
            close(redis);
            throw new IllegalStateException("RateLimitBench store=redis needs Redis at " + REDIS_URI + ", and it does not answer ("
                    + e.getMessage() + "). Start one with: redis-server --daemonize yes --port 6379 --save ''"
                    + " (or point -Dbench.redis=redis://host:port at one)", e);
        }
        return redis;
    }

    /** Closes the policy and the store, and deletes the run's Redis keys. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (policy != null) {
            policy.close();
        }
        close(stateStore);
        if (keyPrefix != null) {
            deleteKeys(keyPrefix);
        }
        context.close();
    }

    /** One admitted check: request and response phase. */
    @Benchmark
    public Response check() {
        DefaultExchange ex = new DefaultExchange("bench-1", request, ROUTE, clock);
        ex.identity(IDENTITY);
        Response r = chain.execute(ex);
        if (r.status() != 200) {
            throw new IllegalStateException("the rate-limit check answered " + r.status() + ": " + r.body().text(4096));
        }
        return r;
    }

    private static void close(Object component) {
        if (component instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + component, e);
            }
        }
    }

    /** Deletes every key under {@code prefix} in the benchmark's Redis. */
    static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(REDIS_URI);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    c.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}
