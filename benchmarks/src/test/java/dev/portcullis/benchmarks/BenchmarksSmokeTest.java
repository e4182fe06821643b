package dev.portcullis.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.backend.http.HttpBackendConfig;
import dev.portcullis.kernel.routing.RouteMatch;
import dev.portcullis.spi.Response;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Checks that each benchmark measures what its javadoc says (the right route is hit or missed,
 * the chain answers, the config binds), and that the JMH harness runs them all once. Performance
 * is not asserted here.
 */
class BenchmarksSmokeTest {

    @Test
    void routerTargetsHitAndMissTheRoutesTheyDescribe() {
        assertThat(route("first")).isEqualTo(new RouteMatch<>("route-0", Map.of()));
        assertThat(route("middle")).isEqualTo(new RouteMatch<>("route-502", Map.of("id", "42", "orderId", "7")));
        assertThat(route("last")).isEqualTo(new RouteMatch<>("route-999", Map.of()));
        assertThat(route("missBucket")).isNull();
        assertThat(route("missScan")).isNull();
    }

    @Test
    void routerTableHasTheAdvertisedSize() {
        assertThat(RouterBench.table()).hasSize(RouterBench.ROUTES);
    }

    private static RouteMatch<String> route(String target) {
        RouterBench bench = new RouterBench();
        bench.target = target;
        bench.setUp();
        return bench.match();
    }

    @Test
    void chainAnswersWithTheBackendsResponseWithAndWithoutPolicies() {
        for (int n : List.of(0, 5)) {
            ChainBench bench = new ChainBench();
            bench.policies = n;
            bench.setUp();
            Response r = bench.execute();
            assertThat(r.status()).as("status with %d policies", n).isEqualTo(200);
            assertThat(r.body().text(1024)).contains("\"id\":42");
        }
    }

    @Test
    void configBindsAllRoutesWithEnvironmentSubstituted() throws Exception {
        ConfigBindBench bench = new ConfigBindBench();
        bench.setUp();
        try {
            assertThat(bench.load().substitutedPaths()).hasSize(ConfigBindBench.CONSUMERS + 1);
            List<HttpBackendConfig> backends = bench.reload();
            assertThat(backends).hasSize(ConfigBindBench.ROUTES).doesNotContainNull();
            assertThat(backends.get(0).targets()).hasSize(2);
            assertThat(bench.bind()).hasSize(ConfigBindBench.ROUTES);
        } finally {
            bench.tearDown();
        }
    }

    @Test
    void jmhRunsEveryBenchmarkOnce() throws RunnerException {
        // a real benchmark run elsewhere on the machine holds JMH's global lock; a smoke run may pass it
        System.setProperty("jmh.ignoreLock", "true");
        Options opts = new OptionsBuilder()
                .include(RouterBench.class.getName() + "|" + ChainBench.class.getName() + "|" + ConfigBindBench.class.getName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .param("target", "first", "missScan")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        // 2 router targets + 2 chain sizes + 3 config methods
        assertThat(results).hasSize(7);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
