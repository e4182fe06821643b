package dev.portcullis.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.backend.http.HttpBackendConfig;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigLoader;
import dev.portcullis.kernel.config.GatewayConfig;
import dev.portcullis.kernel.config.LoadedConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The config half of a hot reload, on a realistic file of 100 routes (see {@link #yaml(int)}:
 * server section, 10 consumers with {@code ${ENV}} keys, 5 named policies, and routes mixing host,
 * prefix, template, method and header matches, named and inline policies, and {@code http}
 * backends with targets, timeouts, retries and health checks).
 * <ul>
 *   <li>{@code load}: {@link ConfigLoader#load(Path)}: read the file, parse YAML, merge
 *       {@code conf.d} (none here), substitute {@code ${ENV}}</li>
 *   <li>{@code bind}: {@link ConfigBinder#bindGateway} on the loaded tree plus binding each route's
 *       backend to {@link HttpBackendConfig}, as the compiler does before calling factories</li>
 *   <li>{@code reload}: both, in the order {@code Gateway.reload()} runs them</li>
 * </ul>
 * Not measured: creating policies and backends through their factories and building the router
 * (that needs the plugins), and the atomic swap.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ConfigBindBench -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConfigBindBench {

    /** Routes in the benchmark's config. */
    public static final int ROUTES = 100;

    /** Consumers in the benchmark's config, each with a key from the environment. */
    public static final int CONSUMERS = 10;

    private Path dir;
    private Path file;
    private ConfigLoader loader;
    private LoadedConfig loaded;

    /** Writes the config file and loads it once for {@link #bind()}. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("portcullis-bench-config");
        file = dir.resolve("portcullis.yaml");
        Files.writeString(file, yaml(ROUTES));
        loader = new ConfigLoader(env());
        loaded = loader.load(file);
    }

    /** Removes the config file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** Read, parse, merge and substitute. */
    @Benchmark
    public LoadedConfig load() {
        return loader.load(file);
    }

    /** Bind and validate an already loaded tree. */
    @Benchmark
    public List<HttpBackendConfig> bind() {
        return bind(loaded);
    }

    /** Load, then bind: the config work of a reload before any factory runs. */
    @Benchmark
    public List<HttpBackendConfig> reload() {
        return bind(loader.load(file));
    }

    private static List<HttpBackendConfig> bind(LoadedConfig loaded) {
        ConfigBinder binder = new ConfigBinder(loaded.substitutedPaths());
        GatewayConfig config = binder.bindGateway(loaded.tree());
        List<HttpBackendConfig> backends = new ArrayList<>(config.routes().size());
        for (int i = 0; i < config.routes().size(); i++) {
            ObjectNode backend = config.routes().get(i).backend();
            backends.add(binder.bindPlugin(backend, HttpBackendConfig.class, "routes[" + i + "].backend"));
        }
        return backends;
    }

    /** The environment the config's {@code ${BENCH_KEY_n}} references resolve against. */
    public static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < CONSUMERS; i++) {
            env.put("BENCH_KEY_" + i, "k-" + Integer.toHexString(0x5eed0000 + i) + "-secret");
        }
        env.put("JWKS_URI", "http://127.0.0.1:9999/.well-known/jwks.json");
        return env;
    }

    /** A realistic gateway config with {@code routes} routes, in five repeating shapes. */
    public static String yaml(int routes) {
        StringBuilder y = new StringBuilder(routes * 600);
        y.append("""
                server:
                  host: 127.0.0.1
                  port: 8080
                  admin: { host: 127.0.0.1, port: 8081 }
                  limits: { maxHeaderSize: 16KiB, maxRequestBody: 10MiB, maxConcurrentRequests: 10000 }
                  shutdownGracePeriod: 20s
                  accessLog: { enabled: true, file: access.log }

                stores:
                  default: { type: local }

                consumers:
                """);
        for (int i = 0; i < CONSUMERS; i++) {
            y.append("  - name: consumer-").append(i).append('\n')
                    .append("    labels: { team: team-").append(i % 3).append(", tier: ").append(i % 2 == 0 ? "gold" : "silver").append(" }\n")
                    .append("    apiKeys: [\"${BENCH_KEY_").append(i).append("}\"]\n");
        }
        y.append("""

                policies:
                  key-auth: { type: api-key, header: X-Api-Key }
                  jwt-auth:
                    type: jwt
                    jwksUri: "${JWKS_URI}"
                    issuer: https://id.example.com
                    audience: portcullis
                    algorithms: [RS256]
                  cors-any: { type: cors, allowOrigins: ["*"], allowMethods: [GET, POST] }
                  per-consumer: { type: rate-limit, key: consumer, limit: 100, period: 1s }
                  size-cap: { type: request-size-limit, maxBody: 1MiB }

                routes:
                """);
        for (int i = 0; i < routes; i++) {
            String port = Integer.toString(9000 + i % 50);
            y.append("  - name: service-").append(i).append('\n');
            switch (i % 5) {
                case 0 -> y.append("    match: { host: api.example.com, pathPrefix: /svc").append(i).append(", methods: [GET, POST] }\n")
                        .append("    policies: [key-auth, per-consumer]\n");
                case 1 -> y.append("    match: { path: \"/svc").append(i).append("/users/{id}/orders/{orderId}\", methods: [GET] }\n")
                        .append("    policies: [jwt-auth, cors-any, { type: request-headers, set: { X-Route: service-").append(i).append(" } }]\n");
                case 2 -> y.append("    match:\n      pathPrefix: /svc").append(i).append("\n      headers: { X-Tenant: tenant-").append(i).append(" }\n")
                        .append("    policies: [key-auth, size-cap, { type: rate-limit, key: ip, limit: 50, period: 1s }]\n");
                case 3 -> y.append("    match: { host: \"*.tenant").append(i).append(".example.com\", pathPrefix: /api }\n")
                        .append("    policies: [jwt-auth]\n");
                default -> y.append("    match: { path: /svc").append(i).append("/health, methods: [GET, HEAD] }\n");
            }
            y.append("    backend:\n")
                    .append("      type: http\n")
                    .append("      stripPrefix: /svc").append(i).append('\n')
                    .append("      targets:\n")
                    .append("        - { url: \"http://127.0.0.1:").append(port).append("\", weight: 2 }\n")
                    .append("        - { url: \"http://127.0.0.2:").append(port).append("/base\" }\n")
                    .append("      loadBalancer: weighted\n")
                    .append("      timeouts: { connect: 500ms, response: 10s, idle: 30s }\n");
            if (i % 2 == 0) {
                y.append("      retry: { attempts: 2, backoff: 25ms, maxBackoff: 500ms, on: [connect-failure, reset, 503] }\n");
            }
            if (i % 3 == 0) {
                y.append("      healthCheck: { path: /health, interval: 5s, timeout: 1s }\n");
            }
        }
        return y.toString();
    }
}
