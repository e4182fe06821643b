package dev.portcullis.kernel.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.backend.http.HttpBackendConfig.HealthCheck;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Passive;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Pool;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Retry;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Target;
import dev.portcullis.kernel.backend.http.HttpBackendConfig.Timeouts;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpBackendConfigTest {

    private static List<String> errors(HttpBackendConfig config) {
        TestContext.Errors errors = new TestContext.Errors();
        config.validate(errors);
        return errors.lines;
    }

    @Test
    void defaultsAreUsableAndValid() {
        HttpBackendConfig c = new HttpBackendConfig(List.of(new Target("http://127.0.0.1:9001", null)),
                null, null, null, null, null, null, null, null, null, null);
        assertThat(errors(c)).isEmpty();
        assertThat(c.loadBalancer()).isEqualTo("round-robin");
        assertThat(c.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60)));
        assertThat(c.retry().attempts()).isEqualTo(1);
        assertThat(c.retry().on()).containsExactly("connect-failure", "502", "503", "504");
        assertThat(c.targets().get(0).weight()).isEqualTo(1);
        assertThat(c.preserveHost()).isFalse();
    }

    @Test
    void noTargetIsRefused() {
        assertThat(errors(new HttpBackendConfig(null, null, null, null, null, null, null, null, null, null, null)))
                .containsExactly("targets: at least one target is required");
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        HttpBackendConfig c = new HttpBackendConfig(
                Arrays.asList(new Target("ftp://x", 1), new Target("/relative", 0), new Target("http://u:p@h/", 1)),
                "random",
                new Timeouts(Duration.ofMillis(-1), Duration.ZERO, null),
                new Retry(-1, Duration.ofMillis(-5), null, List.of("connect-failure", "404", "teapot"), List.of("get", "GE T")),
                new HealthCheck("health", Duration.ZERO, null, 0, null),
                new Passive(-1, null),
                "api", null, null,
                new Pool(-1, null), null);
        assertThat(errors(c)).containsExactlyInAnyOrder(
                "targets[0].url: not an absolute http(s) URL: 'ftp://x'",
                "targets[1].url: not an absolute http(s) URL: '/relative'",
                "targets[1].weight: must be at least 1",
                "targets[2].url: must not contain credentials (set an Authorization header with a policy instead)",
                "loadBalancer: unknown load balancer 'random' (round-robin, weighted, least-requests)",
                "timeouts.connect: must be a positive duration",
                "timeouts.response: must be a positive duration",
                "retry.attempts: must not be negative",
                "retry.backoff: must not be negative",
                "retry.on[1]: unknown retry condition '404' (connect-failure, reset, response-timeout, 429 or a 5xx status)",
                "retry.on[2]: unknown retry condition 'teapot' (connect-failure, reset, response-timeout, 429 or a 5xx status)",
                "retry.methods[1]: not an HTTP method: 'GE T'",
                "healthCheck.path: must be a path starting with '/'",
                "healthCheck.interval: must be a positive duration",
                "healthCheck.healthyThreshold: must be at least 1",
                "passive.consecutiveFailures: must not be negative",
                "stripPrefix: must be a path starting with '/' (no query, no spaces)",
                "pool.maxIdlePerTarget: must not be negative");
    }
}
