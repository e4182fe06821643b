package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Target;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Timeouts;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigError;
import dev.portcullis.kernel.config.ConfigErrorList;
import dev.portcullis.kernel.config.ConfigMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Binds backend YAML exactly as the kernel does (Jackson, durations, nested validation). */
class HttpBackendConfigTest {

    private final ConfigErrorList errors = new ConfigErrorList();

    private HttpBackendConfig bind(String yaml) throws Exception {
        ObjectNode node = (ObjectNode) ConfigMapper.yaml().readTree(yaml);
        return new ConfigBinder().bindPlugin(node, HttpBackendConfig.class, errors.at("routes[0].backend"));
    }

    private List<String> messages() {
        return errors.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void theDocumentedExampleBinds() throws Exception {
        HttpBackendConfig c = bind("""
                type: http
                targets: [ { url: "http://127.0.0.1:9001", weight: 2 }, { url: "https://api.example.com/base" } ]
                loadBalancer: weighted
                timeouts: { connect: 2s, response: 30s, idle: 60s }
                retry: { attempts: 1, backoff: 50ms, maxBackoff: 1s, on: [connect-failure, 502, 503, 504], methods: [GET, HEAD] }
                healthCheck: { path: /health, interval: 5s, timeout: 1s, healthyThreshold: 2, unhealthyThreshold: 3 }
                passive: { consecutiveFailures: 5, ejectFor: 30s }
                stripPrefix: /api
                addPrefix: /v2
                preserveHost: false
                pool: { maxIdlePerTarget: 64, idleTimeout: 60s }
                """);
        assertThat(messages()).isEmpty();
        assertThat(c.targets()).containsExactly(new Target("http://127.0.0.1:9001", 2), new Target("https://api.example.com/base", 1));
        assertThat(c.retry().on()).containsExactly("connect-failure", "502", "503", "504");
        assertThat(c.retry().backoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.healthCheck().interval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void defaultsFillWhatIsLeftOut() throws Exception {
        HttpBackendConfig c = bind("targets: [ { url: \"http://127.0.0.1:9001\" } ]");
        assertThat(messages()).isEmpty();
        assertThat(c.loadBalancer()).isEqualTo("round-robin");
        assertThat(c.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60)));
        assertThat(c.retry().attempts()).isEqualTo(1);
        assertThat(c.retry().methods()).containsExactly("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
        assertThat(c.healthCheck()).isNull();
        assertThat(c.circuitBreaker()).isNull();
        assertThat(c.passive()).isNull();
        assertThat(c.passiveOrDefault().consecutiveFailures()).isEqualTo(5);
        assertThat(c.preserveHost()).isFalse();
    }

    @Test
    void noTargetIsRefused() throws Exception {
        bind("loadBalancer: round-robin");
        assertThat(messages()).containsExactly("routes[0].backend.targets: at least one target is required");
    }

    @Test
    void everyProblemIsReportedOnceWithItsPath() throws Exception {
        bind("""
                targets: [ { url: "ftp://x" }, { url: /relative, weight: 0 }, { url: "http://u:p@h/" } ]
                loadBalancer: random
                timeouts: { connect: 0ms, response: 0s }
                retry: { attempts: -1, on: [connect-failure, 404, teapot], methods: [get, "GE T"] }
                healthCheck: { path: health, interval: 0s, healthyThreshold: 0 }
                passive: { consecutiveFailures: -1 }
                stripPrefix: api
                pool: { maxIdlePerTarget: -1 }
                """);
        String at = "routes[0].backend.";
        assertThat(messages()).containsExactlyInAnyOrder(
                at + "targets[0].url: not an absolute http(s) URL: 'ftp://x'",
                at + "targets[1].url: not an absolute http(s) URL: '/relative'",
                at + "targets[1].weight: must be at least 1",
                at + "targets[2].url: must not contain credentials (set an Authorization header with a policy instead)",
                at + "loadBalancer: unknown load balancer 'random' (round-robin, weighted, least-requests)",
                at + "timeouts.connect: must be a positive duration",
                at + "timeouts.response: must be a positive duration",
                at + "retry.attempts: must not be negative",
                at + "retry.on[1]: unknown retry condition '404' (connect-failure, reset, response-timeout, 429 or a 5xx status)",
                at + "retry.on[2]: unknown retry condition 'teapot' (connect-failure, reset, response-timeout, 429 or a 5xx status)",
                at + "retry.methods[1]: not an HTTP method: 'GE T'",
                at + "healthCheck.path: must be a path starting with '/'",
                at + "healthCheck.interval: must be a positive duration",
                at + "healthCheck.healthyThreshold: must be at least 1",
                at + "passive.consecutiveFailures: must not be negative",
                at + "stripPrefix: must be a path starting with '/' (no query, no spaces)",
                at + "pool.maxIdlePerTarget: must not be negative");
    }

    @Test
    void aNegativeDurationIsABindingError() throws Exception {
        bind("targets: [ { url: \"http://127.0.0.1:9001\" } ]\nretry: { backoff: -5ms }");
        assertThat(messages()).singleElement().asString().startsWith("routes[0].backend.retry.backoff: not a duration");
    }

    @Test
    void unknownKeysAreRefused() throws Exception {
        bind("targets: [ { url: \"http://127.0.0.1:9001\" } ]\ntimeout: 5s");
        assertThat(messages()).singleElement().asString().startsWith("routes[0].backend.timeout: unknown key");
    }

    @Test
    void theCircuitBreakerBindsWithDefaultsAndCompiledStatuses() throws Exception {
        HttpBackendConfig c = bind("""
                targets: [ { url: "http://127.0.0.1:9001" } ]
                circuitBreaker: { errorRatio: 0.25, minRequests: 40, window: 5s, openFor: 1m, failureStatuses: [5xx, 429] }
                """);
        assertThat(messages()).isEmpty();
        HttpBackendConfig.Breaker b = c.circuitBreaker();
        assertThat(b.errorRatio()).isEqualTo(0.25);
        assertThat(b.consecutiveFailures()).isEqualTo(5);
        assertThat(b.halfOpenProbes()).isEqualTo(3);
        CircuitBreaker.Settings s = CircuitBreaker.Settings.of(c);
        assertThat(s.ratioArm()).isTrue();
        assertThat(s.windowNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(s.openForNanos()).isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(s.failureStatus()[429]).isTrue();
        assertThat(s.failureStatus()[500]).isTrue();
        assertThat(s.failureStatus()[599]).isTrue();
        assertThat(s.failureStatus()[404]).isFalse();
    }

    @Test
    void withoutACircuitBreakerPassiveEjectionIsItsConsecutiveArmAlone() throws Exception {
        HttpBackendConfig c = bind("""
                targets: [ { url: "http://127.0.0.1:9001" } ]
                passive: { consecutiveFailures: 3, ejectFor: 10s }
                """);
        CircuitBreaker.Settings s = CircuitBreaker.Settings.of(c);
        assertThat(s.ratioArm()).isFalse();
        assertThat(s.consecutiveFailures()).isEqualTo(3);
        assertThat(s.openForNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(s.halfOpenProbes()).isEqualTo(1);
        assertThat(s.failureStatus()[500]).isTrue();
        assertThat(s.failureStatus()[429]).isFalse();
        assertThat(CircuitBreaker.Settings.of(bind("targets: [ { url: \"http://h\" } ]\npassive: { consecutiveFailures: 0 }"))
                .enabled()).isFalse();
    }

    @Test
    void circuitBreakerProblemsAreReportedWithTheirPaths() throws Exception {
        bind("""
                targets: [ { url: "http://127.0.0.1:9001" } ]
                circuitBreaker: { errorRatio: 1.5, minRequests: 0, consecutiveFailures: -1, window: 5ms, openFor: 0s,
                                  halfOpenProbes: 0, failureStatuses: [5xx, 404x, 302] }
                passive: { consecutiveFailures: 5 }
                """);
        String at = "routes[0].backend.";
        assertThat(messages()).containsExactlyInAnyOrder(
                at + "circuitBreaker.errorRatio: must be greater than 0 and at most 1",
                at + "circuitBreaker.minRequests: must be at least 1",
                at + "circuitBreaker.consecutiveFailures: must not be negative",
                at + "circuitBreaker.window: must be at least 10ms",
                at + "circuitBreaker.openFor: must be a positive duration",
                at + "circuitBreaker.halfOpenProbes: must be between 1 and 1000",
                at + "circuitBreaker.failureStatuses[1]: not a status or class: '404x' (4xx, 5xx, or a code from 400 to 599)",
                at + "circuitBreaker.failureStatuses[2]: not a status or class: '302' (4xx, 5xx, or a code from 400 to 599)",
                at + "passive: not allowed with circuitBreaker: passive ejection is the breaker's consecutive-failures arm,"
                        + " set circuitBreaker.consecutiveFailures and circuitBreaker.openFor instead");
    }

    @Test
    void theSchemaDescribesTheCircuitBreaker() {
        var schema = new dev.portcullis.kernel.config.ConfigSchemaGenerator().schema(HttpBackendConfig.class);
        String text = schema.toString();
        assertThat(text).contains("\"circuitBreaker\"").contains("\"errorRatio\"").contains("\"halfOpenProbes\"")
                .contains("\"failureStatuses\"").contains("\"passive\"").doesNotContain("passiveOrDefault");
    }
}
