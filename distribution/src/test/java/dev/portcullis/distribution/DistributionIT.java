package dev.portcullis.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The distribution as an operator runs it: unzip, drop a third-party plugin into plugins/, start
 * bin/portcullis, proxy real traffic over the network, reload, refuse an invalid config, stop
 * with SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static Path home;
    static HttpServer upstream;
    static int port;
    static int adminPort;
    static Process gateway;
    static Path log;
    /** The launcher keeps an AOT cache on JDK 25 and later, a dynamic CDS archive before. */
    static final boolean AOT = Runtime.version().feature() >= 25;
    /** JVM flags that log whether the class-data archive was mapped or refused, and why. */
    static final String CDS_LOG = AOT ? "-Xlog:aot=info" : "-Xlog:cds=info,cds+dynamic=info";
    /** What CDS_LOG shows when the archive was mapped. */
    static final String MAPPED = AOT ? "Opened AOT cache" : "Mapped dynamic region";
    /** What CDS_LOG shows when the JVM refused the archive. */
    static final String REFUSED = AOT ? "error has occurred while processing the AOT cache" : "Unable to use shared archive";

    @BeforeAll
    static void unzipAndStart() throws Exception {
        Path zip = Path.of(System.getProperty("portcullis.zip"));
        Path root = Files.createTempDirectory("portcullis-dist");
        unzip(zip, root);
        try (var dirs = Files.list(root)) {
            home = dirs.findFirst().orElseThrow();
        }
        assertThat(home.resolve("bin/portcullis")).isExecutable();
        assertThat(home.resolve("schemas/backend-http.schema.json")).exists();
        Path example = Path.of(System.getProperty("portcullis.testPlugins"), "portcullis-plugin-example-plugin.zip");
        Files.copy(example, home.resolve("plugins/example-plugin.zip"));

        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ex -> {
            byte[] body = ("upstream saw " + ex.getRequestURI().getPath() + " via " + ex.getRequestHeaders().getFirst("X-Forwarded-For"))
                    .getBytes(StandardCharsets.UTF_8);
            if (ex.getRequestURI().getPath().startsWith("/slow")) {
                sleep(1500);
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        port = freePort();
        adminPort = freePort();
        Files.writeString(home.resolve("conf/test.yaml"), config("/v1", "first"));
        log = home.resolve("gateway.log");
        gateway = start("run", "--config", home.resolve("conf/test.yaml").toString());
        waitReady();
    }

    @AfterAll
    static void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    static String config(String prefix, String stamp) {
        return """
                server:
                  port: %d
                  admin: { port: %d }
                  accessLog: { file: access.log }
                  shutdownGracePeriod: 10s
                routes:
                  - name: api
                    match: { pathPrefix: %s }
                    policies:
                      - { type: stamp, header: X-Stamp, value: %s }
                      - { type: request-headers, set: { X-Gateway: portcullis } }
                    backend: { type: http, targets: [ { url: "http://127.0.0.1:%d" } ] }
                  - name: static
                    match: { path: /static }
                    backend: { type: static, status: 200, contentType: text/plain, body: "from a third-party backend" }
                """.formatted(port, adminPort, prefix, stamp, upstream.getAddress().getPort());
    }

    static Process start(String... args) throws IOException {
        return launch(Map.of(), log, args);
    }

    /** {@code bin/portcullis args} on the test's JDK, with {@code env} added, its output into {@code out}. */
    static Process launch(Map<String, String> env, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/portcullis").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return pb.start();
    }

    static Result run(String... args) throws Exception {
        return runWithEnv(Map.of(), args);
    }

    static Result runWithJavaOpts(String javaOpts, String... args) throws Exception {
        return runWithEnv(Map.of("JAVA_OPTS", javaOpts), args);
    }

    static Result runWithEnv(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/portcullis").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    record Result(int exit, String output) {}

    static void waitReady() throws Exception {
        Launches.awaitReady("gateway process", gateway, admin("/ready"), java.time.Duration.ofSeconds(30), DistributionIT::logText);
    }

    static String logText() {
        return read(log);
    }

    static URI gw(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static URI admin(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void proxiesRealTrafficThroughPluginsLoadedFromThePluginsFolder() throws Exception {
        HttpResponse<String> r = get(gw("/v1/orders"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("upstream saw /v1/orders via 127.0.0.1");
        assertThat(r.headers().firstValue("X-Stamp")).hasValue("first");
        HttpResponse<String> s = get(gw("/static"));
        assertThat(s.body()).isEqualTo("from a third-party backend");
        String plugins = get(admin("/api/plugins")).body();
        assertThat(plugins).contains("\"example\"", "policy:stamp", "backend:static", "\"traffic\"", "\"auth\"");
        // every bundled plugin provides its types (a library jar in a plugin's lib/ must not hide them)
        assertThat(plugins).contains("policy:inspect", "policy:prompt-guard", "policy:pii-guard", "backend:llm", "backend:mcp",
                "policy:mcp-tbac", "component:onnx-embedder", "component:demo-mcp", "component:redis");
        // the guard plugin loads from its zip with the detectors library it bundles
        assertThat(plugins).contains("\"guard\"", "policy:prompt-guard", "policy:pii-guard", "component:injection-detector",
                "component:onnx-classifier");
        assertThat(get(admin("/metrics")).body()).contains("portcullis_requests_seconds_count{route=\"api\",status=\"200\"}");
        // the access log is written in batches by a background thread: give it a moment
        String accessLog = "";
        for (int i = 0; i < 50 && !accessLog.contains("\"route\":\"api\""); i++) {
            Thread.sleep(50);
            accessLog = Files.readString(home.resolve("conf/access.log"));
        }
        assertThat(accessLog).contains("\"route\":\"api\"", "\"upstream\":\"127.0.0.1:");
    }

    @Test
    @Order(2)
    void pluginsCommandListsTheThirdPartyPlugin() throws Exception {
        Result r = run("plugins");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("example").contains("policy:stamp").contains("backend:http");
    }

    @Test
    @Order(3)
    void editingTheFileReloadsIt() throws Exception {
        Files.writeString(home.resolve("conf/test.yaml"), config("/v2", "second"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        HttpResponse<String> r = get(gw("/v2/x"));
        while (r.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = get(gw("/v2/x"));
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Stamp")).hasValue("second");
        assertThat(get(gw("/v1/x")).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void anInvalidConfigIsRefusedAndTheRunningOneKeepsServing() throws Exception {
        Path file = home.resolve("conf/test.yaml");
        String good = Files.readString(file);
        Files.writeString(file, good.replace("type: stamp", "type: stampp").replace("targets:", "targetz:"));
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(admin("/api/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("routes[0].policies[0].type", "stampp", "routes[0].backend.targetz");
        assertThat(get(gw("/v2/still")).statusCode()).isEqualTo(200);

        Result validate = run("validate", "--config", file.toString());
        assertThat(validate.exit()).isEqualTo(1);
        assertThat(validate.output()).contains("routes[0].policies[0].type", "routes[0].backend.targetz");
        Files.writeString(file, good);
        assertThat(run("validate", "--config", file.toString()).exit()).isZero();
    }

    @Test
    @Order(5)
    void twoPluginsClaimingOneTypeStopTheStartNamingBoth() throws Exception {
        Path copy = home.resolve("plugins/example-copy.zip");
        renamePluginId(home.resolve("plugins/example-plugin.zip"), copy, "example-copy");
        try {
            Result r = run("validate", "--config", home.resolve("conf/test.yaml").toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.output()).contains("policy type 'stamp' is provided by both", "'example'", "'example-copy'");
        } finally {
            Files.delete(copy);
            deleteTree(home.resolve("plugins/example-copy")); // PF4J unpacked the zip: it would clash with 'example' later
        }
    }

    @Test
    @Order(6)
    void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = CLIENT.sendAsync(
                HttpRequest.newBuilder(gw("/v2/slow")).build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(400);
        gateway.toHandle().destroy(); // SIGTERM
        HttpResponse<String> r = slow.get(15, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        // the first run of an install also writes the class-data archive as it exits (a few seconds)
        assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gateway.exitValue()).as(logText()).isZero();
        assertThat(logText()).contains("stopped");
        // conf/logging.properties: the background console handler with the gateway's line format
        assertThat(logText()).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO    \\[[^\\]]+\\] .*stopped");
    }

    @Test
    @Order(8)
    void aJarReplacedInPlaceGetsAFreshClassDataArchiveThatTheNextStartMaps() throws Exception {
        // the gateway's run (stopped by the test before) recorded the archive when it exited;
        // the JVM's own log lines (CDS_LOG) say whether it was mapped or refused
        Path archive;
        try (var files = Files.list(home.resolve("var/cds"))) {
            archive = files.filter(f -> f.toString().endsWith(AOT ? ".aot" : ".jsa")).findFirst().orElseThrow();
        }
        assertThat(runWithJavaOpts(CDS_LOG, "version").output()).contains(MAPPED);

        // an upgrade in place: a jar of lib/ changes under the archive
        Path jar;
        try (var files = Files.list(home.resolve("lib"))) {
            jar = files.filter(f -> f.getFileName().toString().startsWith("portcullis-kernel-")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(
                Files.getLastModifiedTime(archive).toMillis() + 60_000));

        Result version = runWithJavaOpts(CDS_LOG, "version"); // the launcher drops the stale archive
        assertThat(version.exit()).isZero();
        assertThat(version.output()).doesNotContain(MAPPED, REFUSED, "shared class paths mismatch");
        assertThat(archive).doesNotExist(); // and `version` records none
        serveOnceAndStop(Map.of()); // `run` records it
        Result next = runWithJavaOpts(CDS_LOG, "version");
        assertThat(next.output()).contains(MAPPED).doesNotContain(REFUSED);
    }

    @Test
    @Order(9)
    void portcullisCdsPutsTheClassDataArchiveWhereItPoints() throws Exception {
        // the systemd unit points it into its cache directory: /opt is read-only there
        Path archive = Files.createTempDirectory("portcullis-cache").resolve("cds/portcullis.jsa");
        Map<String, String> env = Map.of("PORTCULLIS_CDS", archive.toString());
        assertThat(runWithEnv(env, "validate", "--config", home.resolve("conf/test.yaml").toString()).exit()).isZero();
        assertThat(runWithEnv(env, "--help").output()).contains("usage: portcullis");
        assertThat(archive).doesNotExist(); // short commands record none
        serveOnceAndStop(env);
        assertThat(archive).isRegularFile();
        assertThat(Path.of(archive + ".lib")).isRegularFile();
        Map<String, String> logged = Map.of("PORTCULLIS_CDS", archive.toString(), "JAVA_OPTS", CDS_LOG);
        assertThat(runWithEnv(logged, "version").output()).contains(MAPPED, archive.toString());
    }

    @Test
    @Order(10)
    void aNativeAgentStartsWithoutRecordingAnArchiveAndStillMapsOne() throws Exception {
        // JDWP, the debugger every JDK ships, is a native agent: with one loaded the JVM refuses to
        // record a dynamic archive, and used to refuse to start ("CDS dumping does not support
        // native JVMTI agent"); an AOT cache's assembly would inherit it
        String debugger = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0";
        Path archive = Files.createTempDirectory("portcullis-cache").resolve("cds/portcullis.jsa");
        String first = serveOnceAndStop(Map.of("PORTCULLIS_CDS", archive.toString(), "JAVA_OPTS", debugger));
        assertThat(first).contains("Listening for transport dt_socket");
        assertThat(archive).doesNotExist();

        serveOnceAndStop(Map.of("PORTCULLIS_CDS", archive.toString())); // records it
        Result mapped = runWithEnv(Map.of("PORTCULLIS_CDS", archive.toString(), "JAVA_OPTS", debugger + " " + CDS_LOG), "version");
        assertThat(mapped.exit()).as(mapped.output()).isZero();
        assertThat(mapped.output()).contains(MAPPED);
    }

    /**
     * {@code bin/portcullis run} with the test's config until ready, then SIGTERM: a run that
     * records the class-data archive when it exits. Returns its output.
     */
    static String serveOnceAndStop(Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(home, "serve", ".log");
        Map<String, String> withOpts = new java.util.HashMap<>(Map.of("JAVA_OPTS", ""));
        withOpts.putAll(env);
        Process p = launch(withOpts, out, "run", "--config", home.resolve("conf/test.yaml").toString());
        try {
            Launches.awaitReady("gateway process", p, admin("/ready"), Duration.ofSeconds(30), () -> read(out));
        } finally {
            p.destroy(); // SIGTERM: drain, exit, and (when recording) write the archive
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(read(out)).isTrue();
        }
        assertThat(p.exitValue()).as(read(out)).isZero();
        return read(out);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static void renamePluginId(Path source, Path target, String newId) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(source));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.putNextEntry(new ZipEntry(e.getName()));
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("plugin.properties")) {
                    bytes = new String(bytes, StandardCharsets.UTF_8).replaceAll("plugin.id=.*", "plugin.id=" + newId)
                            .getBytes(StandardCharsets.UTF_8);
                }
                out.write(bytes);
                out.closeEntry();
            }
        }
    }

    static void unzip(Path zip, Path into) throws IOException {
        Launches.unzip(zip, into);
    }

    static int freePort() {
        return FreePorts.next();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @Order(7)
    void aProviderTypeFromTheExamplePluginServesChatCompletions() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer model = completionModel(seen);
        int llmPort = freePort();
        int llmAdmin = freePort();
        Path conf = home.resolve("conf/llm-plugin.yaml");
        String yaml = """
                server: { port: %d, admin: { port: %d } }
                routes:
                  - name: ai
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      providers:
                        - { name: local, type: example-completion, baseUrl: "http://127.0.0.1:%d", apiKey: local-key, models: { small: tiny-1b } }
                """.formatted(llmPort, llmAdmin, model.getAddress().getPort());
        Files.writeString(conf, yaml);
        Path llmLog = home.resolve("llm-gateway.log");
        Process llm = launch(Map.of(), llmLog, "run", "--config", conf.toString());
        try {
            waitReady(llm, llmAdmin, llmLog);
            assertThat(get(URI.create("http://127.0.0.1:" + llmAdmin + "/api/plugins")).body())
                    .contains("llm-provider:example-completion");

            HttpResponse<String> r = chat(llmPort, false);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Portcullis-Provider")).hasValue("local");
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            assertThat(json.path("model").asText()).isEqualTo("small");
            assertThat(json.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Blue.");
            assertThat(json.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
            assertThat(json.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
            // the model got this wire, the provider's model name and key, never the client's
            assertThat(seen.getLast()).startsWith("Bearer local-key ").contains("\"model\":\"tiny-1b\"",
                    "\"prompt\":\"User: Name a colour\\nAssistant:\"").doesNotContain("client-key");

            HttpResponse<String> s = chat(llmPort, true);
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(s.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(s.body()).contains("\"content\":\"Bl\"", "\"content\":\"ue.\"", "\"finish_reason\":\"stop\"", "data: [DONE]");

            // validate knows the plugin's type too, and names it among the known ones
            Path bad = home.resolve("conf/llm-plugin-bad.yaml");
            Files.writeString(bad, yaml.replace("type: example-completion", "type: vertex"));
            Result v = run("validate", "--config", bad.toString());
            assertThat(v.exit()).isEqualTo(1);
            assertThat(v.output()).contains("routes[0].backend.providers[0].type: unknown provider type 'vertex' "
                    + "(known: openai, anthropic, azure-openai, openai-compatible, gemini, example-completion)");
        } finally {
            llm.destroy();
            llm.waitFor(15, TimeUnit.SECONDS);
            model.stop(0);
        }
    }

    /** A model server speaking the example plugin's completion wire; records "authorization body" per call. */
    static HttpServer completionModel(List<String> seen) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/generate", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(ex.getRequestHeaders().getFirst("Authorization") + " " + body);
            boolean stream = body.contains("\"stream\":true");
            byte[] answer = (stream
                    ? "data: {\"text\":\"Bl\"}\n\ndata: {\"text\":\"ue.\"}\n\ndata: {\"finish\":\"stop\",\"tokens_in\":12,\"tokens_out\":2}\n\n"
                    : "{\"text\":\"Blue.\",\"finish\":\"stop\",\"tokens_in\":12,\"tokens_out\":2}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        });
        s.start();
        return s;
    }

    static HttpResponse<String> chat(int gatewayPort, boolean stream) throws Exception {
        String body = "{\"model\":\"small\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour\"}]}";
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer client-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void waitReady(Process p, int adminPort, Path logFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("gateway process alive; log:\n%s", Files.readString(logFile)).isTrue();
            try {
                if (get(URI.create("http://127.0.0.1:" + adminPort + "/ready")).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gateway not ready in 30s; log:\n" + Files.readString(logFile));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
