package dev.portcullis.distribution.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment files shipped in the zip ({@code systemd/}, {@code k8s/}, {@code container/}):
 * present, syntactically valid, consistent with each other and with the config they carry, and
 * doing what they promise with the real binary: the ConfigMap's config validates, and a ConfigMap
 * update as the kubelet performs it (an atomic swap of the folder's {@code ..data} symlink) is
 * picked up by a running gateway without a restart.
 */
class DeployFilesIT {

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static Path home;
    /** kind/name → manifest, from every file in k8s/. */
    static final Map<String, JsonNode> manifests = new LinkedHashMap<>();
    static JsonNode gatewayConfig;
    static String gatewayConfigText;

    @BeforeAll
    static void readManifests() throws IOException {
        home = Unpacked.home();
        try (Stream<Path> files = Files.list(home.resolve("k8s"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (f.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                try (var parser = new YAMLFactory().createParser(f.toFile())) {
                    for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                        assertThat(doc.path("apiVersion").asText()).as("%s: apiVersion", f).isNotEmpty();
                        assertThat(doc.path("metadata").path("name").asText()).as("%s: metadata.name", f).isNotEmpty();
                        manifests.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
                    }
                }
            }
        }
        gatewayConfigText = manifest("ConfigMap/portcullis-config").path("data").path("portcullis.yaml").asText();
        gatewayConfig = YAML.readTree(gatewayConfigText);
    }

    static JsonNode manifest(String kindAndName) {
        assertThat(manifests).as("k8s manifests").containsKey(kindAndName);
        return manifests.get(kindAndName);
    }

    @Test
    void theZipShipsTheUnitTheManifestsAndTheContainerFile() {
        assertThat(home.resolve("systemd/portcullis.service")).isRegularFile();
        assertThat(home.resolve("container/Dockerfile")).isRegularFile();
        assertThat(home.resolve("docs/deploy.md")).isRegularFile();
        assertThat(manifests.keySet()).contains("ConfigMap/portcullis-config", "Deployment/portcullis", "Service/portcullis",
                "PodDisruptionBudget/portcullis", "NetworkPolicy/portcullis", "Secret/portcullis-redis");
    }

    @Test
    void theKustomizationListsEveryManifest() throws IOException {
        JsonNode k = YAML.readTree(home.resolve("k8s/kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        k.path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(home.resolve("k8s"))) {
            assertThat(listed).containsExactlyInAnyOrderElementsOf(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList());
        }
    }

    @Test
    void theDeploymentProbesTheAdminListenerTheServiceLeavesOut() {
        JsonNode deployment = manifest("Deployment/portcullis");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));

        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(ports).containsEntry("http", gatewayConfig.path("server").path("port").asInt())
                .containsEntry("admin", gatewayConfig.path("server").path("admin").path("port").asInt());
        // the admin listener must answer on the pod IP for the kubelet's probes
        assertThat(gatewayConfig.path("server").path("admin").path("host").asText()).isEqualTo("0.0.0.0");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");

        JsonNode service = manifest("Service/portcullis");
        List<String> targets = new ArrayList<>();
        service.path("spec").path("ports").forEach(p -> targets.add(p.path("targetPort").asText()));
        assertThat(targets).containsExactly("http");
        assertThat(service.path("spec").path("selector")).isEqualTo(pod.path("metadata").path("labels"));
        assertThat(manifest("PodDisruptionBudget/portcullis").path("spec").path("selector").path("matchLabels"))
                .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
        assertThat(deployment.path("spec").path("selector").path("matchLabels")).isEqualTo(pod.path("metadata").path("labels"));
        // the network policy admits gateway traffic from anywhere, the admin port only with a selector
        JsonNode ingress = manifest("NetworkPolicy/portcullis").path("spec").path("ingress");
        for (JsonNode rule : ingress) {
            int port = rule.path("ports").get(0).path("port").asInt();
            assertThat(rule.has("from")).as("rule for port %d has a from selector", port).isEqualTo(port == ports.get("admin"));
        }
    }

    @Test
    void thePodRunsNonRootOnAReadOnlyRootWithTheConfigMapAsAFolder() {
        JsonNode podSpec = manifest("Deployment/portcullis").path("spec").path("template").path("spec");
        JsonNode container = podSpec.path("containers").get(0);
        assertThat(podSpec.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(container.path("securityContext").path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(container.path("resources").path("requests").path("cpu").asText()).isNotEmpty();
        assertThat(container.path("resources").path("requests").path("memory").asText()).isNotEmpty();

        Map<String, JsonNode> mounts = new LinkedHashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m));
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        Path configFile = Path.of(args.get(args.indexOf("--config") + 1));
        JsonNode configMount = mounts.get(configFile.getParent().toString());
        assertThat(configMount).as("a mount of the --config folder %s", configFile.getParent()).isNotNull();
        // a subPath mount never sees ConfigMap updates: hot reload needs the folder
        assertThat(configMount.has("subPath")).isFalse();
        assertThat(mounts).containsKey("/tmp");

        long grace = podSpec.path("terminationGracePeriodSeconds").asLong();
        long drain = seconds(gatewayConfig.path("server").path("shutdownGracePeriod").asText("30s"));
        JsonNode preStop = container.path("lifecycle").path("preStop").path("exec").path("command");
        long pause = preStop.isMissingNode() ? 0 : Long.parseLong(preStop.get(preStop.size() - 1).asText());
        assertThat(grace).as("terminationGracePeriodSeconds covers the preStop pause and the drain").isGreaterThan(pause + drain);
    }

    @Test
    void theConfigMapsConfigValidatesWithTheRealBinary() throws Exception {
        Path dir = Files.createTempDirectory("portcullis-k8s-config");
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, gatewayConfigText);
        Run r = portcullis(Map.of(), "validate", "--config", file.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("config OK");
    }

    @Test
    void aConfigMapUpdateSwappedInByTheKubeletIsReloadedWithoutARestart() throws Exception {
        int port = Unpacked.freePort();
        int adminPort = Unpacked.freePort();
        String first = gatewayConfigText.replace("port: 8080", "port: " + port).replace("port: 8081", "port: " + adminPort)
                .replace("host: 0.0.0.0", "host: 127.0.0.1");
        assertThat(first).contains("port: " + port, "port: " + adminPort);
        String second = first + """
                  - name: added-by-configmap-edit
                    match: { pathPrefix: /added }
                    backend: { type: http, targets: [ { url: "http://127.0.0.1:9" } ] }
                """;
        // the kubelet's layout: data in a timestamped folder, ..data pointing at it, each key a
        // symlink through ..data; an update writes a new folder and renames a new ..data over the old
        Path dir = Files.createTempDirectory("portcullis-configmap");
        Path v1 = writeVersion(dir, "..2026_11_24_08_00_00.000000001", first);
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("portcullis.yaml"), Path.of("..data/portcullis.yaml"));

        Path log = dir.getParent().resolve(dir.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/portcullis").toString(), "run", "--config",
                dir.resolve("portcullis.yaml").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("REDIS_URI", LocalRedis.URI);
        pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        Process gateway = pb.start();
        try {
            URI routes = URI.create("http://127.0.0.1:" + adminPort + "/api/routes");
            JsonNode before = awaitJson(routes, gateway, log, r -> true);
            assertThat(routeNames(before)).containsExactly("api");

            Path v2 = writeVersion(dir, "..2026_11_24_08_05_00.000000002", second);
            Path tmp = dir.resolve("..data_tmp");
            Files.createSymbolicLink(tmp, v2.getFileName());
            Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(v1.resolve("portcullis.yaml"));
            Files.delete(v1);

            JsonNode after = awaitJson(routes, gateway, log, r -> routeNames(r).size() == 2);
            assertThat(routeNames(after)).containsExactlyInAnyOrder("api", "added-by-configmap-edit");
            assertThat(gateway.isAlive()).isTrue();
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void theSystemdUnitOutwaitsTheDrainAndPassesSystemdAnalyze() throws Exception {
        String unit = Files.readString(home.resolve("systemd/portcullis.service"));
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\S+)$").matcher(unit);
        assertThat(stop.find()).as("TimeoutStopSec set").isTrue();
        // the shipped default drain (server.shutdownGracePeriod) is 30s
        assertThat(seconds(stop.group(1))).isGreaterThan(30);
        assertThat(unit).containsPattern("(?m)^ExecReload=.*POST .*/api/reload$").containsPattern("(?m)^NoNewPrivileges=yes$")
                .containsPattern("(?m)^ProtectSystem=strict$").containsPattern("(?m)^User=portcullis$");
        // /opt is read-only under ProtectSystem=strict: the class-data archive goes to the cache directory
        assertThat(unit).containsPattern("(?m)^CacheDirectory=portcullis$")
                .containsPattern("(?m)^Environment=PORTCULLIS_CDS=/var/cache/portcullis/\\S+\\.jsa$");

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze not installed: the unit's syntax was not checked");
        // verify needs ExecStart to exist: point it at the unpacked distribution
        Path copy = Files.createTempDirectory("portcullis-unit").resolve("portcullis.service");
        Files.writeString(copy, unit.replace("/opt/portcullis/bin/portcullis", home.resolve("bin/portcullis").toString()));
        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze verify output").doesNotContain("Unknown key", "Unknown section", "Failed to parse");
    }

    // ---------------------------------------------------------------------------------------------

    static Path writeVersion(Path dir, String name, String config) throws IOException {
        Path v = Files.createDirectory(dir.resolve(name));
        Files.writeString(v.resolve("portcullis.yaml"), config);
        return v;
    }

    static List<String> routeNames(JsonNode routes) {
        List<String> names = new ArrayList<>();
        (routes.isArray() ? routes : routes.path("routes")).forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    static JsonNode awaitJson(URI uri, Process gateway, Path log, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            assertThat(gateway.isAlive()).as("gateway alive; log:%n%s", Files.readString(log)).isTrue();
            try {
                HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    last = JSON.readTree(r.body());
                    if (done.test(last)) {
                        return last;
                    }
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no expected answer from " + uri + " in 30s (last: " + last + "); log:\n" + Files.readString(log));
    }

    record Run(int exit, String output) {}

    static Run portcullis(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/portcullis").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** Seconds of a duration like {@code 45s}, {@code 2m} or a bare number of seconds. */
    static long seconds(String d) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|min|h)?").matcher(d.trim());
        assertThat(m.matches()).as("duration %s", d).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> n / 1000;
            case "s" -> n;
            case "m", "min" -> n * 60;
            default -> n * 3600;
        };
    }
}
