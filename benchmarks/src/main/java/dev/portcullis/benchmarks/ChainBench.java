package dev.portcullis.benchmarks;

import dev.portcullis.kernel.chain.DefaultExchange;
import dev.portcullis.kernel.chain.PolicyChain;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.RouteInfo;
import dev.portcullis.spi.Verdict;
import java.time.Clock;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the policy chain itself: {@link PolicyChain#execute} with {@code policies} no-op
 * policies (0, 1, 5, 10 or 20: how the chain's own cost grows with policies per route) around a backend that returns a prebuilt 200 JSON response, on a fresh
 * {@link DefaultExchange} per invocation, as the listener creates one per request. The request is
 * a prebuilt {@link FixedRequest} (GET /orders/42 with four headers).
 *
 * <p>The policies cycle through five different classes, so the chain's call sites see several
 * receiver types as they do with real plugins (a chain of one class repeated would let the JIT
 * inline a single monomorphic call and flatter the result). Each policy runs its request and
 * response phase; neither touches the exchange, so this is the chain's overhead alone: what real
 * policies do is measured by their own benchmarks and adds to it.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ChainBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 * (~1 min; add {@code -prof gc} for the allocation per request)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChainBench {

    /** Number of no-op policies in front of the backend. */
    @Param({"0", "1", "5", "10", "20"})
    public int policies;

    private static final RouteInfo ROUTE = new RouteInfo("orders", "bench");

    private PolicyChain chain;
    private FixedRequest request;
    private final Clock clock = Clock.systemUTC();

    /** Builds the chain and the request. */
    @Setup(Level.Trial)
    public void setUp() {
        List<Policy> kinds = List.of(new NoOpA(), new NoOpB(), new NoOpC(), new NoOpD(), new NoOpE());
        List<Policy> all = new java.util.ArrayList<>(policies);
        for (int i = 0; i < policies; i++) {
            all.add(kinds.get(i % kinds.size()));
        }
        chain = new PolicyChain(all, new FixedBackend());
        request = new FixedRequest("GET", "/orders/42", "api.example.com",
                "Host", "api.example.com", "Accept", "application/json",
                "User-Agent", "bench/1.0", "X-Request-Id", "bench-1");
    }

    /** Policies in the chain (for the smoke test). */
    int chainLength() {
        return chain.policies().size();
    }

    /** One request through the chain. */
    @Benchmark
    public Response execute() {
        return chain.execute(new DefaultExchange("bench-1", request, ROUTE, clock));
    }

    /** Answers every request with the same small JSON response. */
    static final class FixedBackend implements Backend {
        private final Response response = Response.json(200, "{\"id\":42,\"status\":\"shipped\"}");

        @Override
        public Response handle(Exchange exchange) {
            return response;
        }
    }

    // Five distinct no-op policy classes: see the class comment.

    static final class NoOpA implements Policy {
        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.proceed();
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            return Verdict.proceed();
        }
    }

    static final class NoOpB implements Policy {
        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.proceed();
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            return Verdict.proceed();
        }
    }

    static final class NoOpC implements Policy {
        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.proceed();
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            return Verdict.proceed();
        }
    }

    static final class NoOpD implements Policy {
        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.proceed();
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            return Verdict.proceed();
        }
    }

    static final class NoOpE implements Policy {
        @Override
        public Verdict onRequest(Exchange exchange) {
            return Verdict.proceed();
        }

        @Override
        public Verdict onResponse(Exchange exchange) {
            return Verdict.proceed();
        }
    }
}
