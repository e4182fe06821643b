package dev.portcullis.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

    /** A plugin-style config: nested records, a list of them, durations, sizes, an enum. */
    record HttpBackend(
            List<Target> targets, Duration timeout, DataSize maxBody, Strategy strategy, Retry retry, Integer port,
            Boolean tls) implements Validatable {
        HttpBackend {
            targets = targets == null ? List.of() : targets;
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (targets.isEmpty()) {
                errors.add("targets", "at least one target is needed");
            }
        }
    }

    record Target(@JsonProperty(required = true) String url, Integer weight) implements Validatable {
        @Override
        public void validate(ConfigErrors errors) {
            if (url != null && !URI.create(url.replace(" ", "%20")).isAbsolute()) {
                errors.add("url", "not an absolute URL");
            }
            if (weight != null && weight < 0) {
                errors.add("weight", "must not be negative");
            }
        }
    }

    record Retry(Integer attempts, Duration backoff) implements Validatable {
        Retry {
            if (attempts != null && attempts > 10) {
                throw new IllegalArgumentException("at most 10 attempts");
            }
        }

        @Override
        public void validate(ConfigErrors errors) {
            if (backoff != null && backoff.isZero()) {
                errors.at("backoff").add("", "must be more than 0");
            }
        }
    }

    enum Strategy { FAILOVER, WEIGHTED, @JsonProperty("least-latency") LEAST_LATENCY }

    record Bare() {}

    private final ConfigBinder binder = new ConfigBinder();

    private static ObjectNode yaml(String text) {
        return (ObjectNode) new ConfigLoader(Map.of()).load(text, "test.yaml").tree();
    }

    private List<String> pluginErrors(String text) {
        ConfigErrorList errors = new ConfigErrorList();
        HttpBackend bound = binder.bindPlugin(yaml(text), HttpBackend.class, errors.at("routes[2].backend"));
        if (errors.isEmpty()) {
            throw new AssertionError("expected errors, bound " + bound);
        }
        return errors.errors().stream().map(ConfigError::toString).toList();
    }

    private static ConfigErrorList errors() {
        return new ConfigErrorList();
    }

    private static List<String> gatewayErrors(String text) {
        try {
            new ConfigBinder().bindGateway(ConfigMapper.yaml().readTree(text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (ConfigInvalidException e) {
            return e.lines();
        }
        throw new AssertionError("expected the config to be refused");
    }

    @Test
    void bindsAValidPluginConfigWithoutItsTypeKey() {
        HttpBackend b = binder.bindPlugin(yaml("""
                type: http
                targets: [ { url: "http://127.0.0.1:9001", weight: 2 }, { url: "http://127.0.0.1:9002" } ]
                timeout: 250ms
                maxBody: 16KiB
                strategy: Weighted
                retry: { attempts: 3, backoff: PT0.5S }
                port: "8080"
                tls: "true"
                """), HttpBackend.class, "routes[0].backend");
        assertThat(b.targets()).containsExactly(new Target("http://127.0.0.1:9001", 2), new Target("http://127.0.0.1:9002", null));
        assertThat(b.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(b.maxBody()).isEqualTo(DataSize.ofBytes(16 * 1024));
        assertThat(b.strategy()).isEqualTo(Strategy.WEIGHTED);
        assertThat(b.retry()).isEqualTo(new Retry(3, Duration.ofMillis(500)));
        assertThat(binder.bindPlugin(yaml("strategy: least-latency"), HttpBackend.class, errors()).strategy())
                .isEqualTo(Strategy.LEAST_LATENCY);
        assertThat(b.port()).isEqualTo(8080); // strings are accepted for numbers: ${ENV} values are strings
        assertThat(b.tls()).isTrue();
    }

    @Test
    void compactConstructorDefaultsApplyToAnEmptyConfig() {
        HttpBackend b = binder.bindPlugin(yaml("type: http\ntargets: [ { url: 'http://a' } ]"), HttpBackend.class, "x");
        assertThat(b.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void reportsEveryErrorInOnePassWithFullPaths() {
        List<String> errors = pluginErrors("""
                type: http
                targets:
                  - { url: "http://a", wieght: 1 }
                  - { weight: 1.5 }
                  - { url: "relative/path", weight: -1 }
                timeout: 5x
                maxBody: 10XB
                strategy: random
                retry: { attempts: 3, backof: 1s }
                port: abc
                tls: 1
                color: blue
                """);
        assertThat(errors).containsExactly(
                "routes[2].backend.targets[0].wieght: unknown key (known: url, weight)",
                "routes[2].backend.targets[1].weight: expected an integer, got 1.5",
                "routes[2].backend.targets[1].url: required",
                "routes[2].backend.targets[2].url: not an absolute URL",
                "routes[2].backend.targets[2].weight: must not be negative",
                "routes[2].backend.timeout: not a duration: '5x' (e.g. 500ms, 2s, 1m)",
                "routes[2].backend.maxBody: unknown size unit in '10XB' (B, KB, KiB, MB, MiB, GB, GiB)",
                "routes[2].backend.strategy: expected one of failover, weighted, least-latency, got 'random'",
                "routes[2].backend.retry.backof: unknown key (known: attempts, backoff)",
                "routes[2].backend.port: expected an integer, got 'abc'",
                "routes[2].backend.tls: expected true or false, got 1",
                "routes[2].backend.color: unknown key (known: targets, timeout, maxBody, strategy, retry, port, tls)");
    }

    @Test
    void validatableErrorsArePrefixedWithThePathOfTheirRecord() {
        assertThat(pluginErrors("""
                targets: [ { url: "http://ok" }, { url: "nope" } ]
                retry: { backoff: 0s }
                """)).containsExactly(
                "routes[2].backend.targets[1].url: not an absolute URL",
                "routes[2].backend.retry.backoff: must be more than 0");
        assertThat(pluginErrors("timeout: 1s")).containsExactly("routes[2].backend.targets: at least one target is needed");
    }

    @Test
    void constructorErrorsAreReportedAtTheRecord() {
        assertThat(pluginErrors("targets: [ { url: 'http://a' } ]\nretry: { attempts: 11 }"))
                .containsExactly("routes[2].backend.retry: at most 10 attempts");
    }

    @Test
    void noSilentCoercionOfWrongTypes() {
        assertThat(pluginErrors("targets: [ { url: [a] } ]\nport: 80.0\ntls: yes\nretry: []"))
                .containsExactly(
                        "routes[2].backend.targets[0].url: expected a string, got a list",
                        "routes[2].backend.port: expected an integer, got 80.0",
                        "routes[2].backend.tls: expected true or false, got 'yes'",
                        "routes[2].backend.retry: expected a map, got a list");
        assertThat(pluginErrors("targets: ''")).containsExactly("routes[2].backend.targets: expected a list, got ''");
        assertThat(pluginErrors("targets: [ { url: 'http://a' } ]\nport: 99999999999"))
                .singleElement().asString().startsWith("routes[2].backend.port: ").contains("99999999999");
    }

    @Test
    void durations() {
        assertThat(DurationFormat.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationFormat.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationFormat.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationFormat.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationFormat.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationFormat.parse(" 3 s ")).isEqualTo(Duration.ofSeconds(3));
        assertThat(DurationFormat.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationFormat.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationFormat.parse("P1D")).isEqualTo(Duration.ofDays(1));
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(250), Duration.ofSeconds(90), Duration.ofMinutes(5),
                Duration.ofHours(2), Duration.ofDays(3), Duration.ofNanos(1500))) {
            assertThat(DurationFormat.parse(DurationFormat.format(d))).isEqualTo(d);
        }
        assertThat(DurationFormat.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(DurationFormat.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void durationErrors() {
        assertThat(pluginErrors("timeout: 5x")).contains("routes[2].backend.timeout: not a duration: '5x' (e.g. 500ms, 2s, 1m)");
        assertThat(pluginErrors("timeout: 5")).contains(
                "routes[2].backend.timeout: not a duration: '5' (e.g. 500ms, 2s, 1m); add a unit");
        assertThat(pluginErrors("timeout: 1.5s")).contains("routes[2].backend.timeout: not a duration: '1.5s' (e.g. 500ms, 2s, 1m)");
        assertThat(pluginErrors("timeout: PT-1S")).contains("routes[2].backend.timeout: duration must not be negative: 'PT-1S'");
        assertThat(pluginErrors("timeout: PTXS")).contains("routes[2].backend.timeout: not a duration: 'PTXS' (e.g. 500ms, 2s, 1m)");
        assertThat(pluginErrors("timeout: 99999999999999999999d")).contains(
                "routes[2].backend.timeout: duration too large: '99999999999999999999d'");
        assertThat(pluginErrors("timeout: [1s]")).contains("routes[2].backend.timeout: expected a duration (e.g. 500ms, 2s, 1m), got a list");
    }

    @Test
    void dataSizes() {
        record Sizes(DataSize a, DataSize b, DataSize c, DataSize d) {}
        Sizes s = binder.bindPlugin(yaml("a: 512\nb: 16KB\nc: 10MiB\nd: '1 GiB'"), Sizes.class, "x");
        assertThat(s).isEqualTo(new Sizes(DataSize.ofBytes(512), DataSize.ofBytes(16_000),
                DataSize.ofBytes(10L << 20), DataSize.ofBytes(1L << 30)));

        ConfigErrorList errors = new ConfigErrorList();
        binder.bindPlugin(yaml("a: -1\nb: 1.5\nc: lots\nd: 99999999999GiB"), Sizes.class, errors.at("s"));
        binder.bindPlugin(yaml("a: { x: 1 }"), Sizes.class, errors.at("t"));
        assertThat(errors.errors()).map(ConfigError::toString).containsExactly(
                "s.a: not a size: -1 (must be 0 or more bytes)",
                "s.b: not a size: 1.5 (whole bytes, or e.g. 16KiB, 10MB)",
                "s.c: not a size: 'lots' (e.g. 512, 16KiB, 10MB)",
                "s.d: size too large: '99999999999GiB'",
                "t.a: expected a size (e.g. 512, 16KiB, 10MB), got a map");
    }

    @Test
    void voidConfigTypeTakesNoSettings() {
        ConfigErrorList errors = new ConfigErrorList();
        assertThat(binder.bindPlugin(yaml("type: noop"), Void.class, errors.at("policies.x"))).isNull();
        assertThat(errors.isEmpty()).isTrue();
        binder.bindPlugin(yaml("type: noop\nlevel: 3"), Void.class, errors.at("policies.x"));
        assertThat(errors.errors()).map(ConfigError::toString)
                .containsExactly("policies.x.level: unknown key (this type takes no settings)");
    }

    @Test
    void recordsWithoutKeysRefuseAnyKey() {
        ConfigErrorList errors = new ConfigErrorList();
        binder.bindPlugin(yaml("type: t\nx: 1"), Bare.class, errors.at("p"));
        assertThat(errors.errors()).map(ConfigError::toString).containsExactly("p.x: unknown key (known: )");
    }

    @Test
    void valuesFromTheEnvironmentAreNotEchoedInErrors() {
        LoadedConfig loaded = new ConfigLoader(Map.of("PORT", "sk-live-secret")).load(
                "server: { port: '${PORT}' }\nconsumers: [ { name: a, apiKeys: 'sk-other-secret' } ]", "t.yaml");
        try {
            new ConfigBinder(loaded.substitutedPaths()).bindGateway(loaded.tree());
            throw new AssertionError("expected errors");
        } catch (ConfigInvalidException e) {
            assertThat(e.getMessage()).doesNotContain("secret");
            assertThat(e.lines()).containsExactly(
                    "server.port: expected an integer, got '<redacted>'",
                    "consumers[0].apiKeys: expected a list, got '<redacted>'");
        }
    }

    @Test
    void unknownKeysAtEveryDepthOfTheGatewayConfigInOnePass() {
        assertThat(gatewayErrors("""
                sever: { port: 1 }
                server: { admin: { prt: 9 }, limits: { maxBody: 1KB } }
                plugins: { dir: x }
                consumers: [ { name: a, labes: {} } ]
                routes:
                  - name: ok
                    match: { pathPrefx: /x }
                    backend: { type: http }
                  - name: also-ok
                    backend: { type: http }
                    priority: 3
                """)).containsExactly(
                "sever: unknown key (known: server, plugins, stores, components, consumers, policies, routes)",
                "server.admin.prt: unknown key (known: enabled, host, port)",
                "server.limits.maxBody: unknown key (known: maxHeaderSize, maxRequestBody, maxConcurrentRequests, headerTimeout, idleTimeout)",
                "plugins.dir: unknown key (known: directory)",
                "consumers[0].labes: unknown key (known: name, labels, apiKeys)",
                "routes[0].match.pathPrefx: unknown key (known: host, path, pathPrefix, methods, headers, query)",
                "routes[1].priority: unknown key (known: name, match, policies, backend, lifecycle)");
    }

    @Test
    void wrongTypesInTheGatewayConfig() {
        assertThat(gatewayErrors("""
                server: { port: "abc", shutdownGracePeriod: 10, watchConfig: maybe }
                policies: [ a ]
                stores: { default: local }
                routes: { name: x }
                """)).containsExactly(
                "server.port: expected an integer, got 'abc'",
                "server.shutdownGracePeriod: not a duration: '10' (e.g. 500ms, 2s, 1m); add a unit",
                "server.watchConfig: expected true or false, got 'maybe'",
                "stores.default: expected a map, got 'local'",
                "policies: expected a map (name: {type: ...}), got a list",
                "routes: expected a list, got a map");
    }

    @Test
    void bindsTheWholeGatewayConfigFromTheDesignExample() {
        Map<String, String> env = Map.of("SUPPORT_KEY", "k1", "OPENAI_API_KEY", "o1", "ANTHROPIC_API_KEY", "a1");
        LoadedConfig loaded = new ConfigLoader(env).load("""
                server: { port: 8080, admin: { host: 127.0.0.1, port: 8081 }, shutdownGracePeriod: 10s,
                          limits: { maxRequestBody: 1MiB } }
                stores:   { default: { type: local } }
                consumers:
                  - { name: support-agent, apiKeys: ["${SUPPORT_KEY}"], labels: { team: support } }
                policies:
                  agent-auth: { type: jwt, jwksUri: "http://idp/jwks", issuer: "idp", audience: portcullis }
                  guard:      { type: prompt-guard, action: block }
                routes:
                  - name: orders
                    match: { host: api.local, pathPrefix: /orders, methods: [GET, POST] }
                    policies: [agent-auth, { type: rate-limit, key: consumer, limit: 100, period: 1s }]
                    backend: { type: http, targets: [ { url: "http://127.0.0.1:9001" } ] }
                  - name: llm
                    match: { pathPrefix: /v1 }
                    policies: [agent-auth, guard]
                    backend:
                      type: llm
                      providers:
                        - { name: openai, type: openai, apiKey: "${OPENAI_API_KEY}" }
                        - { name: claude, type: anthropic, apiKey: "${ANTHROPIC_API_KEY}" }
                """, "portcullis.yaml");
        GatewayConfig config = new ConfigBinder(loaded.substitutedPaths()).bindGateway(loaded.tree());
        assertThat(config.server().shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.server().limits().maxRequestBody()).isEqualTo(DataSize.ofBytes(1 << 20));
        assertThat(config.consumers()).singleElement().satisfies(c -> assertThat(c.apiKeys()).containsExactly("k1"));
        assertThat(config.routes()).extracting(GatewayConfig.RouteConfig::name).containsExactly("orders", "llm");
        assertThat(config.routes().get(0).policies()).extracting(JsonNode::isTextual).containsExactly(true, false);
        assertThat(config.routes().get(1).backend().at("/providers/1/apiKey").asText()).isEqualTo("a1");
        assertThat(config.policies().keySet()).containsExactly("agent-auth", "guard");
    }

    @Test
    void errorsFromSeveralRoutesAndTheirSemanticChecksComeTogether() {
        assertThat(gatewayErrors("""
                routes:
                  - { name: a, match: { path: /a, pathFix: 1 }, backend: { type: http } }
                  - { name: b, policies: [missing], backend: { type: http } }
                """)).containsExactly(
                "routes[0].match.pathFix: unknown key (known: host, path, pathPrefix, methods, headers, query)",
                "routes[1].policies[0]: unknown policy 'missing' (no policies are defined)");
    }
}
