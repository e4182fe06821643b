package dev.portcullis.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.CollectingConfigErrors;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisStoreConfigTest {

    @Test
    void defaults() {
        var c = new RedisStoreConfig(null, null, null, null);
        assertThat(c.uri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(c.keyPrefix()).isEqualTo("portcullis:");
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.failMode()).isEqualTo(RedisStoreConfig.FailMode.OPEN);
    }

    @Test
    void reportsEveryProblemWithoutEchoingSecrets() {
        List<String> errors = CollectingConfigErrors.of(new RedisStoreConfig("http://:s3cret@host", null, Duration.ZERO, null));
        assertThat(errors).containsExactly(
                "uri: not a Redis URI (redis://host:port, rediss://host:port for TLS)",
                "timeout: must be at least 1ms");
        assertThat(String.join("", errors)).doesNotContain("s3cret");
    }
}
