package dev.portcullis.kernel;

import dev.portcullis.kernel.eval.EvalCommand;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigErrorList;
import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.config.ConfigLoader;
import dev.portcullis.kernel.config.GatewayConfig;
import dev.portcullis.kernel.config.LoadedConfig;
import dev.portcullis.kernel.plugin.KernelVersion;
import dev.portcullis.kernel.plugin.PluginConflictException;
import dev.portcullis.kernel.plugin.PluginRegistry;
import dev.portcullis.kernel.runtime.CompiledConfig;
import dev.portcullis.kernel.runtime.ConfigCompiler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The command line: {@code portcullis [run] [--config FILE]}, {@code validate --config FILE},
 * {@code plugins}, {@code schemas --out DIR}, {@code version}. Exit codes: 0 ok, 1 invalid config,
 * 2 usage error.
 */
public final class Main {

    private Main() {}

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns its exit code (the server command returns when stopped). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = rest.isEmpty() || rest.get(0).startsWith("-") ? "run" : rest.remove(0);
        Path home = Path.of(System.getProperty("portcullis.home", "."));
        Path config = home.resolve("conf/portcullis.yaml");
        Path outDir = null;
        Path data = null;
        String use = null;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--config", "-c" -> {
                    if (i + 1 >= rest.size()) {
                        return usage(err, "--config needs a file");
                    }
                    config = Path.of(rest.get(++i));
                }
                case "--out" -> {
                    if (i + 1 >= rest.size()) {
                        return usage(err, "--out needs a folder");
                    }
                    outDir = Path.of(rest.get(++i));
                }
                case "--data" -> {
                    if (i + 1 >= rest.size()) {
                        return usage(err, "--data needs a file");
                    }
                    data = Path.of(rest.get(++i));
                }
                case "--use" -> {
                    if (i + 1 >= rest.size()) {
                        return usage(err, "--use needs the name of a policy or component");
                    }
                    use = rest.get(++i);
                }
                case "--help", "-h" -> {
                    usage(out, null);
                    return 0;
                }
                default -> {
                    if (!command.equals("eval") || a.startsWith("-")) {
                        return usage(err, "unknown argument: " + a);
                    }
                    positional.add(a);
                }
            }
        }
        try {
            return switch (command) {
                case "run" -> serve(config, home, err);
                case "validate" -> validate(config, home, out, err);
                case "plugins" -> plugins(config, home, out);
                case "schemas" -> schemas(config, home, outDir, out, err);
                case "eval" -> {
                    if (positional.size() != 1 || data == null || use == null) {
                        yield usage(err, "eval needs guard or cache, --data FILE and --use NAME");
                    }
                    yield eval(positional.get(0), config, home, data, use, out, err);
                }
                case "version" -> {
                    out.println("portcullis " + KernelVersion.get() + " (Java " + Runtime.version() + ")");
                    yield 0;
                }
                default -> usage(err, "unknown command: " + command);
            };
        } catch (ConfigInvalidException e) {
            err.println("invalid config " + config + ":");
            e.lines().forEach(l -> err.println("  " + l));
            return 1;
        } catch (PluginConflictException e) {
            err.println("plugin conflict:");
            e.conflicts().forEach(l -> err.println("  " + l));
            return 1;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream s, String problem) {
        if (problem != null) {
            s.println("portcullis: " + problem);
        }
        s.println("""
                usage: portcullis [run] [--config FILE]      start the gateway (default conf/portcullis.yaml)
                       portcullis validate --config FILE     check a config; exit 0, or 1 with every error
                       portcullis plugins [--config FILE]    list plugins and the types they provide
                       portcullis schemas --out DIR          write a JSON schema per plugin type
                       portcullis eval guard|cache --data FILE --use NAME [--config FILE]
                                                             measure a configured guard or cache on labelled JSONL
                       portcullis version""");
        return 2;
    }

    private static int serve(Path config, Path home, PrintStream err) throws java.io.IOException {
        Gateway gateway = Gateway.start(new Gateway.Options(config, System.getenv(), home, null, null));
        CountDownLatch stop = new CountDownLatch(1);
        // SIGTERM / SIGINT: drain in-flight requests, then exit 0. Handled as signals rather than in
        // a shutdown hook, so logging still works while draining and the exit status is 0, not 143.
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown());
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gateway.close();
        return 0;
    }

    private static int validate(Path config, Path home, PrintStream out, PrintStream err) {
        int routes = withCompiledConfig(config, home, compiled -> compiled.source().routes().size());
        out.println("config OK: " + config + " (" + routes + " routes)");
        return 0;
    }

    private static int eval(String what, Path config, Path home, Path data, String use, PrintStream out, PrintStream err) {
        return withCompiledConfig(config, home, compiled -> EvalCommand.run(what, compiled, data, use, out, err));
    }

    /**
     * Compiles {@code config} with its plugins (every error in one pass, as {@link ConfigInvalidException}),
     * hands it to {@code use}, then retires it without serving.
     */
    private static <T> T withCompiledConfig(Path config, Path home, java.util.function.Function<CompiledConfig, T> use) {
        LoadedConfig loaded = new ConfigLoader(System.getenv()).load(config);
        ConfigBinder binder = new ConfigBinder(loaded.substitutedPaths());
        ConfigErrorList errors = new ConfigErrorList();
        GatewayConfig gc = binder.bindGateway(loaded.tree(), errors);
        try (PluginRegistry plugins = PluginRegistry.load(resolvePlugins(home, gc))) {
            var scheduler = Executors.newSingleThreadScheduledExecutor();
            try {
                CompiledConfig compiled = new ConfigCompiler(plugins, new SimpleMeterRegistry(), scheduler)
                        .compile(gc, binder, errors, config.toAbsolutePath().getParent(), null).config();
                try {
                    return use.apply(compiled);
                } finally {
                    compiled.retireForValidation();
                }
            } finally {
                scheduler.shutdownNow();
            }
        }
    }

    private static int plugins(Path config, Path home, PrintStream out) {
        Path dir = home.resolve("plugins");
        if (Files.exists(config)) {
            GatewayConfig gc = new ConfigBinder().bindGateway(new ConfigLoader(System.getenv()).load(config).tree());
            dir = resolvePlugins(home, gc);
        }
        try (PluginRegistry plugins = PluginRegistry.load(dir)) {
            for (PluginRegistry.PluginInfo p : plugins.plugins()) {
                out.printf("%-12s %-16s %-8s %s%n", p.id(), p.version(), p.state(), String.join(", ", p.types()));
            }
        }
        return 0;
    }

    private static int schemas(Path config, Path home, Path outDir, PrintStream out, PrintStream err) throws java.io.IOException {
        if (outDir == null) {
            return usage(err, "schemas needs --out DIR");
        }
        Path dir = home.resolve("plugins");
        try (PluginRegistry plugins = PluginRegistry.load(dir)) {
            int n = Schemas.write(plugins, outDir);
            out.println("wrote " + n + " schemas to " + outDir);
        }
        return 0;
    }

    private static Path resolvePlugins(Path home, GatewayConfig gc) {
        Path p = Path.of(gc.plugins().directory());
        return p.isAbsolute() ? p : home.resolve(p);
    }
}
