package dev.portcullis.benchmarks;

import dev.portcullis.kernel.routing.HostPattern;
import dev.portcullis.kernel.routing.PathPattern;
import dev.portcullis.kernel.routing.RouteMatch;
import dev.portcullis.kernel.routing.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Route matching with {@link Router} over a table of {@code routes} routes (10, 100, 1,000 or
 * 10,000: how the cost grows with the table), declared in this repeating pattern
 * ({@code i} = 0..routes-1):
 * <ul>
 *   <li>{@code i % 4 == 0}: prefix {@code /svc<i>/v1}</li>
 *   <li>{@code i % 4 == 1}: exact {@code /svc<i>/health}, methods GET and HEAD</li>
 *   <li>{@code i % 4 == 2}: template {@code /svc<i>/users/{id}/orders/{orderId}}</li>
 *   <li>{@code i % 4 == 3}: host wildcard {@code *.tenant<i>.example.com} with prefix {@code /api}:
 *       all {@code routes/4} of these share the first segment {@code api}, so they fall into one
 *       router bucket, which the router also indexes by host (from 16 host routes on)</li>
 * </ul>
 * The {@code target} parameter picks the request:
 * <ul>
 *   <li>{@code first}: hits route 0 (prefix), the first declared</li>
 *   <li>{@code middle}: hits the template route at or below {@code routes/2} (498 of 1,000; fills
 *       two path parameters)</li>
 *   <li>{@code last}: hits the last host-wildcard route (999 of 1,000): without the host index,
 *       a scan of all {@code routes/4} entries in the {@code api} bucket</li>
 *   <li>{@code missBucket}: {@code /unknown/x}: no route has that first segment</li>
 *   <li>{@code missScan}: {@code /api/orders} on a host no wildcard matches: scans the whole
 *       {@code api} bucket, then misses</li>
 * </ul>
 * Host, method and path are given as the listener hands them over (lower-case host, upper-case
 * method, normalised path); building the table is not measured.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RouterBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 * (all 20 combinations, ~4 min); one size: add {@code -p routes=10000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouterBench {

    /** Number of routes in the default table. */
    public static final int ROUTES = 1000;

    /** Number of routes in the table. */
    @Param({"10", "100", "1000", "10000"})
    public int routes;

    private static final Router.HeaderLookup NO_HEADERS = name -> null;

    /** Which request to route; see the class comment. */
    @Param({"first", "middle", "last", "missBucket", "missScan"})
    public String target;

    private Router<String> router;
    private String host;
    private String method;
    private String path;

    /** Builds the table and picks the request. */
    @Setup(Level.Trial)
    public void setUp() {
        router = new Router<>(table(routes));
        int middle = routes / 2 - Math.floorMod(routes / 2 - 2, 4); // the template route at or below routes/2
        int last = routes - 1 - Math.floorMod(routes - 1 - 3, 4);    // the last host-wildcard route
        switch (target) {
            case "first" -> request("gw.example.com", "GET", "/svc0/v1/items/17");
            case "middle" -> request("gw.example.com", "GET", "/svc" + middle + "/users/42/orders/7");
            case "last" -> request("eu.tenant" + last + ".example.com", "POST", "/api/orders");
            case "missBucket" -> request("gw.example.com", "GET", "/unknown/x");
            case "missScan" -> request("eu.other.example.com", "GET", "/api/orders");
            default -> throw new IllegalArgumentException("unknown target " + target);
        }
    }

    private void request(String host, String method, String path) {
        this.host = host;
        this.method = method;
        this.path = path;
    }

    /** The 1,000 routes described in the class comment; the payload is the route's name. */
    public static List<Router.Entry<String>> table() {
        return table(ROUTES);
    }

    /** {@code count} routes as described in the class comment; the payload is the route's name. */
    public static List<Router.Entry<String>> table(int count) {
        List<Router.Entry<String>> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = "route-" + i;
            Router.Entry<String> e = switch (i % 4) {
                case 0 -> entry(name, null, PathPattern.of(null, "/svc" + i + "/v1"), List.of(), i);
                case 1 -> entry(name, null, PathPattern.of("/svc" + i + "/health", null), List.of("GET", "HEAD"), i);
                case 2 -> entry(name, null, PathPattern.of("/svc" + i + "/users/{id}/orders/{orderId}", null), List.of(), i);
                default -> entry(name, "*.tenant" + i + ".example.com", PathPattern.of(null, "/api"), List.of(), i);
            };
            entries.add(e);
        }
        return entries;
    }

    private static Router.Entry<String> entry(String name, String host, PathPattern path, List<String> methods, int order) {
        return new Router.Entry<>(name, HostPattern.of(host), path, Router.methods(methods), Map.of(), order);
    }

    /** Matches the chosen request against the table. */
    @Benchmark
    public RouteMatch<String> match() {
        return router.match(host, method, path, NO_HEADERS);
    }
}
