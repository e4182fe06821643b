package dev.portcullis.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final ConfigLoader noEnv = new ConfigLoader(Map.of());

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    private static List<String> errorsOf(Runnable load) {
        try {
            load.run();
        } catch (ConfigInvalidException e) {
            return e.lines();
        }
        throw new AssertionError("expected the config to be refused");
    }

    @Test
    void confDFilesMergeInNameOrderAppendingRoutesAndConsumers() throws IOException {
        Path main = write("portcullis.yaml", """
                server: { port: 8080, admin: { port: 9000 } }
                policies: { auth: { type: jwt, issuer: a } }
                consumers: [ { name: c0 } ]
                routes: [ { name: r0, backend: { type: http } } ]
                """);
        // written out of order: the loader sorts by file name
        write("conf.d/20-more.yaml", """
                server: { port: 8082 }
                routes: [ { name: r2, backend: { type: http } } ]
                """);
        write("conf.d/10-first.yaml", """
                server: { port: 8081, host: 127.0.0.1 }
                policies: { auth: { issuer: b }, guard: { type: prompt-guard } }
                consumers: [ { name: c1 } ]
                routes: [ { name: r1, backend: { type: http } } ]
                """);
        write("conf.d/notes.txt", "not: [yaml");
        write("conf.d/.swap.yaml", "broken: [");

        LoadedConfig loaded = noEnv.load(main);
        JsonNode tree = loaded.tree();

        assertThat(loaded.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("portcullis.yaml", "10-first.yaml", "20-more.yaml");
        assertThat(tree.at("/server/port").asInt()).isEqualTo(8082);          // later file wins
        assertThat(tree.at("/server/host").asText()).isEqualTo("127.0.0.1");  // maps merge key by key
        assertThat(tree.at("/server/admin/port").asInt()).isEqualTo(9000);
        assertThat(tree.at("/policies/auth/type").asText()).isEqualTo("jwt");
        assertThat(tree.at("/policies/auth/issuer").asText()).isEqualTo("b");
        assertThat(tree.at("/policies/guard/type").asText()).isEqualTo("prompt-guard");
        assertThat(tree.get("routes")).extracting(r -> r.get("name").asText()).containsExactly("r0", "r1", "r2");
        assertThat(tree.get("consumers")).extracting(r -> r.get("name").asText()).containsExactly("c0", "c1");
    }

    @Test
    void otherListsAreReplacedNotAppended() throws IOException {
        Path main = write("portcullis.yaml", "routes: [ { name: a, match: { methods: [GET, POST] } } ]\nx: [1, 2]\n");
        write("conf.d/a.yaml", "x: [3]\n");
        JsonNode tree = noEnv.load(main).tree();
        assertThat(tree.get("x")).extracting(JsonNode::asInt).containsExactly(3);
    }

    @Test
    void confDRoutesThatAreNotAListAreRefusedWithTheirPath() throws IOException {
        Path main = write("portcullis.yaml", "routes: []\n");
        write("conf.d/a.yaml", "routes: { name: a }\n");
        assertThat(errorsOf(() -> noEnv.load(main))).containsExactly("routes: expected lists to append, got a list and then a map");
    }

    @Test
    void emptyFileIsAValidConfigWithAllDefaults() throws IOException {
        Path main = write("portcullis.yaml", "# nothing but a comment\n");
        LoadedConfig loaded = noEnv.load(main);
        assertThat(loaded.tree().isEmpty()).isTrue();
        GatewayConfig config = new ConfigBinder().bindGateway(loaded.tree());
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.routes()).isEmpty();
        assertThat(noEnv.load("", "inline").tree().isEmpty()).isTrue();
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() throws IOException {
        Path main = write("portcullis.yaml", "server:\n  port: 8080\nroutes:\n  - name: a\n    match: { path: /x\n");
        write("conf.d/a.yaml", "server:\n  host: a: b\n");
        List<String> errors = errorsOf(() -> noEnv.load(main));
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).startsWith(main + ":6:1: ").contains("expected ',' or '}'");
        assertThat(errors.get(1)).isEqualTo(dir.resolve("conf.d/a.yaml") + ":2:10: mapping values are not allowed here");
    }

    @Test
    void duplicateKeysAreASyntaxError() {
        assertThat(errorsOf(() -> noEnv.load("server:\n  port: 1\n  port: 2\n", "dup.yaml")))
                .singleElement().asString().startsWith("dup.yaml:3:").endsWith("duplicate key 'port'");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertThat(errorsOf(() -> noEnv.load("- a\n- b\n", "list.yaml")))
                .containsExactly("list.yaml: the top level must be a mapping of sections (server, routes, ...), not a list");
    }

    @Test
    void severalDocumentsInOneFileAreRefused() {
        assertThat(errorsOf(() -> noEnv.load("server: { port: 1 }\n---\nserver: { port: 2 }\n", "multi.yaml")))
                .containsExactly("multi.yaml: holds more than one YAML document (---); put extra config in conf.d/ files");
        assertThat(noEnv.load("---\nserver: { port: 1 }\n", "one.yaml").tree().at("/server/port").asInt()).isEqualTo(1);
    }

    @Test
    void filesThatAreNotUtf8AreAClearError() throws IOException {
        Path main = dir.resolve("latin1.yaml");
        Files.write(main, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertThat(errorsOf(() -> noEnv.load(main))).containsExactly(main + ": not UTF-8 text");
    }

    @Test
    void missingMainFileIsAClearError() {
        Path missing = dir.resolve("nope.yaml");
        assertThat(errorsOf(() -> noEnv.load(missing))).containsExactly(missing + ": no such file");
    }

    @Test
    void substitutesVariablesDefaultsAndEscapesInStringValues() {
        ConfigLoader loader = new ConfigLoader(Map.of("HOST", "api.local", "KEY", "sk-123", "EMPTY", ""));
        LoadedConfig loaded = loader.load("""
                a: ${HOST}
                b: "https://${HOST}:${PORT:-8443}/v1"
                c: ${EMPTY:-fallback}
                d: "$${HOST} stays literal"
                e: [plain, "${KEY}", "cost: $5"]
                f: { g: { h: "${UNSET:-}" } }
                n: 42
                """, "t.yaml");
        JsonNode t = loaded.tree();
        assertThat(t.get("a").asText()).isEqualTo("api.local");
        assertThat(t.get("b").asText()).isEqualTo("https://api.local:8443/v1");
        assertThat(t.get("c").asText()).isEqualTo("fallback");
        assertThat(t.get("d").asText()).isEqualTo("${HOST} stays literal");
        assertThat(t.get("e")).extracting(JsonNode::asText).containsExactly("plain", "sk-123", "cost: $5");
        assertThat(t.at("/f/g/h").asText()).isEmpty();
        assertThat(t.get("n").isInt()).isTrue();
        assertThat(loaded.substitutedPaths()).containsExactlyInAnyOrder("a", "b", "c", "e[1]", "f.g.h");
    }

    @Test
    void substitutedValuesCannotInjectStructureNorExpandAgain() {
        ConfigLoader loader = new ConfigLoader(Map.of("EVIL", "x\nadmin: { port: 1 }\n- ${OTHER}", "OTHER", "no"));
        JsonNode t = loader.load("name: ${EVIL}\n", "t.yaml").tree();
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.get("name").asText()).isEqualTo("x\nadmin: { port: 1 }\n- ${OTHER}");
    }

    @Test
    void missingVariablesAreAllReportedWithTheirPath() {
        ConfigLoader loader = new ConfigLoader(Map.of("SET", "1"));
        List<String> errors = errorsOf(() -> loader.load("""
                consumers:
                  - name: support
                    apiKeys: ["${SUPPORT_KEY}"]
                routes:
                  - backend: { providers: [ { apiKey: "Bearer ${OPENAI_API_KEY}" } ] }
                ok: ${SET}
                bad: "${not a name}"
                open: "${SET"
                """, "t.yaml"));
        assertThat(errors).containsExactly(
                "consumers[0].apiKeys[0]: environment variable SUPPORT_KEY is not set (use ${SUPPORT_KEY:-default} to give a default)",
                "routes[0].backend.providers[0].apiKey: environment variable OPENAI_API_KEY is not set (use ${OPENAI_API_KEY:-default} to give a default)",
                "bad: not an environment variable name: 'not a name' in '${not a name}'",
                "open: unclosed '${' (write '$${' for a literal '${')");
    }

    @Test
    void keysWithDotsAreQuotedInPaths() {
        ConfigLoader loader = new ConfigLoader(Map.of());
        assertThat(errorsOf(() -> loader.load("models: { gpt-4.1: \"${M}\" }\n", "t.yaml")))
                .singleElement().asString().startsWith("models[\"gpt-4.1\"]: environment variable M is not set");
    }
}
