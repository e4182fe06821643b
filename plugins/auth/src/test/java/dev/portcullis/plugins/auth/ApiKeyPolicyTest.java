package dev.portcullis.plugins.auth;

import static dev.portcullis.testkit.Verdicts.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyPolicyTest {

    private static final String SUPPORT_KEY = "sk-support-0123456789";
    private static final String BILLING_KEY = "sk-billing-9876543210";
    private static final List<Consumer> CONSUMERS = List.of(
            new Consumer("support-agent", Map.of("team", "support"), List.of(SUPPORT_KEY)),
            new Consumer("billing", Map.of("team", "billing"),
                    List.of("sha256:" + HexFormat.of().formatHex(Digests.sha256(BILLING_KEY)))));

    private final ApiKeyPolicyFactory factory = new ApiKeyPolicyFactory();

    private Policy policy(ApiKeyConfig config) {
        return factory.create(config, new TestPluginContext().withConsumers(CONSUMERS));
    }

    @Test
    void clearKeyInHeaderAuthenticatesItsConsumerAndIsStripped() {
        TestExchange exchange = TestExchange.get("/orders", "X-API-Key", SUPPORT_KEY, "Accept", "*/*");

        Verdict verdict = policy(new ApiKeyConfig(null, null, null)).onRequest(exchange);

        assertThat(verdict).isInstanceOf(Verdict.Proceed.class);
        Identity id = exchange.identity().orElseThrow();
        assertThat(id.method()).isEqualTo("api-key");
        assertThat(id.subject()).isEqualTo("support-agent");
        assertThat(id.consumer()).isEqualTo("support-agent");
        assertThat(id.labels()).containsEntry("team", "support");
        assertThat(exchange.request().headers().contains("X-API-Key")).isFalse();
        assertThat(exchange.request().headers().get("Accept")).isEqualTo("*/*");
    }

    @Test
    void hashedKeyMatchesThePresentedClearKey() {
        TestExchange exchange = TestExchange.get("/", "X-API-Key", BILLING_KEY);

        assertThat(policy(new ApiKeyConfig(null, null, null)).onRequest(exchange)).isInstanceOf(Verdict.Proceed.class);
        assertThat(exchange.identity().orElseThrow().consumer()).isEqualTo("billing");
    }

    @Test
    void missingKeyIs401WithChallenge() {
        Failure f = failureOf(policy(new ApiKeyConfig(null, null, null)).onRequest(TestExchange.get("/")));

        assertThat(f.status()).isEqualTo(401);
        assertThat(f.code()).isEqualTo("credentials-missing");
        assertThat(f.detail()).contains("X-API-Key");
        assertThat(f.headers().get("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-API-Key\"");
    }

    @Test
    void wrongKeysAre401InvalidWithoutEchoingTheKey() {
        Policy policy = policy(new ApiKeyConfig(null, null, null));
        for (String wrong : List.of("sk-support-012345678", SUPPORT_KEY + "x", BILLING_KEY.toUpperCase(),
                "sha256:" + HexFormat.of().formatHex(Digests.sha256(BILLING_KEY)))) {
            TestExchange exchange = TestExchange.get("/", "X-API-Key", wrong);
            Failure f = failureOf(policy.onRequest(exchange));
            assertThat(f.status()).isEqualTo(401);
            assertThat(f.code()).isEqualTo("credentials-invalid");
            assertThat(f.detail()).doesNotContain(wrong);
            assertThat(f.headers().get("WWW-Authenticate")).startsWith("ApiKey");
            assertThat(exchange.identity()).isEmpty();
        }
    }

    @Test
    void bearerAndQueryPlacesWhenConfigured() {
        Policy policy = policy(new ApiKeyConfig("X-Key", "api_key", true));

        TestExchange bearer = TestExchange.get("/", "Authorization", "Bearer " + SUPPORT_KEY);
        assertThat(policy.onRequest(bearer)).isInstanceOf(Verdict.Proceed.class);
        assertThat(bearer.identity().orElseThrow().consumer()).isEqualTo("support-agent");
        assertThat(bearer.request().headers().contains("Authorization")).isFalse();

        TestExchange query = TestExchange.get("/?a=1&api_key=" + BILLING_KEY);
        assertThat(policy.onRequest(query)).isInstanceOf(Verdict.Proceed.class);
        assertThat(query.identity().orElseThrow().consumer()).isEqualTo("billing");
        assertThat(query.request().rawQuery()).as("the key is not forwarded").isEqualTo("a=1");

        Failure missing = failureOf(policy.onRequest(TestExchange.get("/")));
        assertThat(missing.headers().get("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-Key\", query=\"api_key\", Bearer");
        assertThat(missing.detail()).isEqualTo("no API key in header X-Key or Authorization: Bearer or query parameter api_key");
    }

    @Test
    void keysAreFoundWhateverTheirPositionAmongManyConsumers() {
        List<Consumer> many = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(new Consumer("c" + i, Map.of(), List.of("key-" + i)));
        }
        Policy policy = factory.create(new ApiKeyConfig(null, null, null), new TestPluginContext().withConsumers(many));
        for (int i : new int[] {0, 25, 49}) {
            TestExchange exchange = TestExchange.get("/", "X-API-Key", "key-" + i);
            assertThat(policy.onRequest(exchange)).isInstanceOf(Verdict.Proceed.class);
            assertThat(exchange.identity().orElseThrow().consumer()).isEqualTo("c" + i);
        }
    }

    @Test
    void sharedOrMalformedKeysAreRefusedAtCreation() {
        var shared = List.of(new Consumer("a", null, List.of("k1")), new Consumer("b", null, List.of("k1")));
        assertThatThrownBy(() -> factory.create(new ApiKeyConfig(null, null, null), new TestPluginContext().withConsumers(shared)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("consumer 'b'").hasMessageContaining("consumer 'a'");

        var malformed = List.of(new Consumer("a", null, List.of("sha256:abc")));
        assertThatThrownBy(() -> factory.create(new ApiKeyConfig(null, null, null), new TestPluginContext().withConsumers(malformed)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("64 hex digits");

        var empty = List.of(new Consumer("a", null, List.of("")));
        assertThatThrownBy(() -> factory.create(new ApiKeyConfig(null, null, null), new TestPluginContext().withConsumers(empty)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("apiKeys[0] is empty");
    }

    @Test
    void configValidationNamesThePath() {
        assertThat(CollectingConfigErrors.of(new ApiKeyConfig("X Key", " ", false)))
                .containsExactly("header: not a valid header name: 'X Key'", "query: must not be blank");
        assertThat(CollectingConfigErrors.of(new ApiKeyConfig("Authorization", null, false)))
                .containsExactly("header: use 'bearer: true' to read the key from Authorization");
    }
}
