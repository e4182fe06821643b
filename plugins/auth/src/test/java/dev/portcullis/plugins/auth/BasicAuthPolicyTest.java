package dev.portcullis.plugins.auth;

import static dev.portcullis.testkit.Verdicts.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicAuthPolicyTest {

    // Cost 4 (the minimum) keeps the test fast; the code path is the same as for cost 12.
    private static final String ALICE_HASH = new String(
            BCrypt.with(BCrypt.Version.VERSION_2B).hash(4, "alice-secret".toCharArray()), StandardCharsets.US_ASCII);
    private static final String BOB_HASH = new String(
            BCrypt.withDefaults().hash(4, "bob-pw".toCharArray()), StandardCharsets.US_ASCII);
    private static final List<Consumer> CONSUMERS = List.of(new Consumer("support-agent", Map.of("team", "support"), null));

    private final BasicAuthPolicyFactory factory = new BasicAuthPolicyFactory();

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Policy policy(Duration cacheTtl) {
        return factory.create(new BasicAuthConfig("staff", Map.of("alice", ALICE_HASH, "bob", BOB_HASH),
                Map.of("alice", "support-agent"), cacheTtl), new TestPluginContext().withConsumers(CONSUMERS));
    }

    @Test
    void rightPasswordAuthenticatesAndMapsTheConsumer() {
        Policy policy = policy(null);
        TestExchange exchange = TestExchange.get("/", "Authorization", basic("alice", "alice-secret"));

        assertThat(policy.onRequest(exchange)).isInstanceOf(Verdict.Proceed.class);
        Identity id = exchange.identity().orElseThrow();
        assertThat(id.subject()).isEqualTo("alice");
        assertThat(id.method()).isEqualTo("basic");
        assertThat(id.consumer()).isEqualTo("support-agent");
        assertThat(id.labels()).containsEntry("team", "support");
        assertThat(exchange.request().headers().contains("Authorization")).as("password not forwarded").isFalse();

        TestExchange bob = TestExchange.get("/", "Authorization", basic("bob", "bob-pw"));
        assertThat(policy.onRequest(bob)).isInstanceOf(Verdict.Proceed.class);
        assertThat(bob.identity().orElseThrow().consumer()).isNull();
    }

    @Test
    void wrongPasswordUnknownUserAndGarbageAre401WithBasicChallenge() {
        Policy policy = policy(null);
        for (String header : List.of(basic("alice", "alice-secreT"), basic("mallory", "alice-secret"),
                basic("alice", ""), basic("alice", "alice-secret" + "x".repeat(100)), "Basic !!notbase64", "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()))) {
            Failure f = failureOf(policy.onRequest(TestExchange.get("/", "Authorization", header)));
            assertThat(f.status()).isEqualTo(401);
            assertThat(f.code()).isEqualTo("credentials-invalid");
            assertThat(f.headers().get("WWW-Authenticate")).isEqualTo("Basic realm=\"staff\", charset=\"UTF-8\"");
        }
        Failure missing = failureOf(policy.onRequest(TestExchange.get("/", "Authorization", "Bearer x")));
        assertThat(missing.code()).isEqualTo("credentials-missing");
    }

    @Test
    void cachedSuccessDoesNotAcceptAnotherPassword() {
        Policy policy = policy(Duration.ofMinutes(1));
        assertThat(policy.onRequest(TestExchange.get("/", "Authorization", basic("alice", "alice-secret"))))
                .isInstanceOf(Verdict.Proceed.class);
        // Second call is served from the cache, a wrong password still is not.
        assertThat(policy.onRequest(TestExchange.get("/", "Authorization", basic("alice", "alice-secret"))))
                .isInstanceOf(Verdict.Proceed.class);
        assertThat(failureOf(policy.onRequest(TestExchange.get("/", "Authorization", basic("alice", "alice-secre"))))
                .code()).isEqualTo("credentials-invalid");
    }

    @Test
    void configErrorsNameTheUser() {
        var config = new BasicAuthConfig(null, Map.of("eve", "plain-text", "a:b", ALICE_HASH), Map.of("zed", "x"), null);
        assertThat(CollectingConfigErrors.of(config)).containsExactlyInAnyOrder(
                "users.eve: not a bcrypt hash ($2b$<cost>$<53 chars>)",
                "users.a:b: a user name must be non-empty and contain no ':'",
                "consumers.zed: no such user in users");
        assertThatThrownBy(() -> factory.create(new BasicAuthConfig(null, Map.of("alice", ALICE_HASH),
                Map.of("alice", "nobody"), null), new TestPluginContext().withConsumers(CONSUMERS)))
                .isInstanceOf(ConfigException.class).hasMessage("no consumer named 'nobody'");
    }
}
