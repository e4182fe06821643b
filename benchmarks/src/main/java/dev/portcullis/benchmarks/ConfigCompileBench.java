package dev.portcullis.benchmarks;

import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigErrorList;
import dev.portcullis.kernel.config.ConfigLoader;
import dev.portcullis.kernel.config.GatewayConfig;
import dev.portcullis.kernel.config.LoadedConfig;
import dev.portcullis.kernel.plugin.PluginRegistry;
import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.kernel.runtime.ConfigCompiler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * The whole config path of a start or a hot reload, for {@code routes} routes (100, 1,000 or
 * 10,000): read and parse the YAML, substitute {@code ${ENV}}, bind and validate, then compile:
 * create every named and inline policy and every {@code http} backend through their factories
 * (as {@code Gateway.start} and {@code Gateway.reload} do) and build the router. The file is
 * {@link ConfigBindBench#yaml(int)} (five route shapes; api-key, jwt, cors, rate-limit,
 * request-size-limit and request-headers policies; two targets per backend, retries, and a health
 * check on every third route), with the policy plugins on the class path instead of loaded by
 * PF4J (start-up's plugin loading is measured by {@code benchmarks/load/run-startup.sh}).
 *
 * <p>One operation is one compile of the whole file; each compiled config is closed again after
 * its operation (not measured), which stops its health checks and sweepers. Single-shot: a
 * compile of 10,000 routes takes long enough that the time of one is the figure of interest.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ConfigCompileBench -f 1 -wi 3 -i 5}
 * (~1–2 min; one size: add {@code -p routes=10000})
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class ConfigCompileBench {

    /** Routes in the config. */
    @Param({"100", "1000", "10000"})
    public int routes;

    private Path dir;
    private Path file;
    private ConfigLoader loader;
    private PluginRegistry plugins;
    private PrometheusMeterRegistry meters;
    private ScheduledExecutorService scheduler;
    private ConfigCompiler compiler;
    private CompiledConfig last;

    /** Writes the file and finds the factories on the class path. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("portcullis-bench-compile");
        file = dir.resolve("portcullis.yaml");
        Files.writeString(file, ConfigBindBench.yaml(routes));
        loader = new ConfigLoader(ConfigBindBench.env());
        plugins = PluginRegistry.load(null);
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        scheduler = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("bench-scheduler").factory());
        compiler = new ConfigCompiler(plugins, meters, scheduler);
    }

    /** Closes the last compiled config, the plugins and the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        closeLast();
        scheduler.shutdownNow();
        plugins.close();
        meters.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** Closes the config the last operation built. */
    @TearDown(Level.Iteration)
    public void closeLast() {
        if (last != null) {
            last.retireForValidation();
            last = null;
        }
    }

    /** Load, bind and compile the file. */
    @Benchmark
    public CompiledConfig compile() {
        LoadedConfig loaded = loader.load(file);
        ConfigBinder binder = new ConfigBinder(loaded.substitutedPaths());
        ConfigErrorList errors = new ConfigErrorList();
        GatewayConfig config = binder.bindGateway(loaded.tree(), errors);
        last = compiler.compile(config, binder, errors, dir, null).config();
        return last;
    }
}
