package dev.portcullis.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.plugins.ratelimit.RateLimitConfig.Algorithm;
import dev.portcullis.plugins.ratelimit.RateLimitConfig.FailMode;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestPluginContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {

    private static List<String> errors(RateLimitConfig c) {
        return CollectingConfigErrors.of(c);
    }

    private static RateLimitConfig config(List<String> key, Algorithm algorithm, Long limit, Duration period, Long burst, Long cost) {
        return new RateLimitConfig(key, algorithm, limit, period, burst, cost, null, null, null, null);
    }

    @Test
    void defaults() {
        var c = config(null, null, 100L, Duration.ofSeconds(1), null, null);
        assertThat(c.key()).containsExactly("consumer");
        assertThat(c.algorithm()).isEqualTo(Algorithm.SLIDING_WINDOW);
        assertThat(c.burst()).isNull();
        assertThat(c.cost()).isEqualTo(1);
        assertThat(c.store()).isEqualTo("default");
        assertThat(c.failMode()).isEqualTo(FailMode.OPEN);
        assertThat(c.headers()).isTrue();
        assertThat(c.scope()).isEqualTo(RateLimitConfig.Scope.ROUTE);
        assertThat(errors(c)).isEmpty();
        assertThat(config(null, Algorithm.TOKEN_BUCKET, 100L, Duration.ofSeconds(1), null, null).burst()).isEqualTo(100);
    }

    @Test
    void reportsEveryProblemWithItsPath() {
        assertThat(errors(config(List.of("foo"), null, null, null, null, null))).containsExactly(
                "key: unknown key kind 'foo' (consumer, ip, route, header:<name>, claim:<name>)",
                "limit: required",
                "period: required");
        assertThat(errors(config(List.of("consumer", "header:", "claim:"), null, 0L, Duration.ZERO, 5L, 0L))).containsExactly(
                "key[1]: header:<name> needs a valid header name, got ''",
                "key[2]: claim:<name> needs a claim name",
                "limit: must be positive",
                "period: must be positive",
                "burst: only applies to algorithm token-bucket",
                "cost: must be positive");
        assertThat(errors(config(List.of("header:X Bad"), Algorithm.TOKEN_BUCKET, 10L, Duration.ofNanos(10), 5L, 6L))).containsExactly(
                "key: header:<name> needs a valid header name, got 'X Bad'",
                "period: must be at least 1ms",
                "cost: must not exceed burst (5), or no request could ever pass");
        assertThat(errors(config(List.of(), null, 10L, Duration.ofSeconds(-1), null, 11L))).containsExactly(
                "key: must name at least one key kind (consumer, ip, route, header:<name>, claim:<name>)",
                "period: must be positive",
                "cost: must not exceed limit (10), or no request could ever pass");
    }

    @Test
    void bindsFromJson() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        var one = json.readValue("""
                {"key": "ip", "algorithm": "token-bucket", "limit": 5, "failMode": "closed", "scope": "global"}""",
                RateLimitConfig.class);
        assertThat(one.key()).containsExactly("ip");
        assertThat(one.algorithm()).isEqualTo(Algorithm.TOKEN_BUCKET);
        assertThat(one.burst()).isEqualTo(5);
        assertThat(one.failMode()).isEqualTo(FailMode.CLOSED);
        var many = json.readValue("""
                {"key": ["consumer", "header:X-Tenant"], "limit": 5}""", RateLimitConfig.class);
        assertThat(many.key()).containsExactly("consumer", "header:X-Tenant");
    }

    @Test
    void anUndeclaredStoreIsAConfigErrorOnStore() {
        var c = new RateLimitConfig(null, null, 1L, Duration.ofSeconds(1), null, null, "shared", null, null, null);
        assertThatThrownBy(() -> new RateLimitPolicyFactory().create(c, new TestPluginContext()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("no store named 'shared' (declare it under stores:)")
                .extracting(e -> ((ConfigException) e).path()).isEqualTo("store");
    }
}
