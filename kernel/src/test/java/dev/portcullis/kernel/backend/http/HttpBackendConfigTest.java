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
        assertThat(c.passive().consecutiveFailures()).isEqualTo(5);
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
}
