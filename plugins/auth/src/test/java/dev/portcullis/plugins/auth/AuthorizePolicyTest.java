package dev.portcullis.plugins.auth;

import static dev.portcullis.testkit.Verdicts.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizePolicyTest {

    private static final Identity AGENT = new Identity("agent-7", "https://idp.test", "jwt", Set.of("orders:read", "crm:read"),
            Map.of("tenant", "acme", "roles", List.of("reader", "support"), "level", 3), "support-agent", Map.of("team", "support"));
    private static final Identity KEY_USER = new Identity("billing", "portcullis", "api-key", Set.of(), null, "billing",
            Map.of("team", "billing"));

    private static Policy policy(AuthorizeConfig config) {
        return new AuthorizePolicyFactory().create(config, new TestPluginContext().withConsumers(List.of()));
    }

    private static Verdict check(AuthorizeConfig config, Identity identity) {
        return policy(config).onRequest(TestExchange.get("/").withIdentity(identity));
    }

    @Test
    void allRulesMetProceeds() {
        var config = new AuthorizeConfig(List.of("orders:read"), List.of("crm:write", "crm:read"),
                Map.of("tenant", "acme", "roles", List.of("support", "admin"), "level", 3),
                List.of("support-agent", "other"), Map.of("team", "support"));
        assertThat(check(config, AGENT)).isInstanceOf(Verdict.Proceed.class);
    }

    @Test
    void missingScopeIs403NamingItWithInsufficientScopeChallenge() {
        Failure f = failureOf(check(new AuthorizeConfig(List.of("orders:read", "orders:write"), null, null, null, null), AGENT));
        assertThat(f.status()).isEqualTo(403);
        assertThat(f.code()).isEqualTo("forbidden");
        assertThat(f.detail()).isEqualTo("missing scope orders:write");
        assertThat(f.headers().get("WWW-Authenticate"))
                .isEqualTo("Bearer error=\"insufficient_scope\", error_description=\"missing scope orders:write\", scope=\"orders:write\"");

        Failure any = failureOf(check(new AuthorizeConfig(null, List.of("a", "b"), null, null, null), AGENT));
        assertThat(any.detail()).isEqualTo("needs one of the scopes a b");

        Failure apiKey = failureOf(check(new AuthorizeConfig(List.of("x"), null, null, null, null), KEY_USER));
        assertThat(apiKey.headers().contains("WWW-Authenticate")).as("no bearer challenge for api keys").isFalse();
    }

    @Test
    void consumerLabelAndClaimRulesNameTheUnmetRule() {
        assertThat(failureOf(check(new AuthorizeConfig(null, null, null, List.of("support-agent"), null), KEY_USER)).detail())
                .isEqualTo("consumer billing is not allowed");
        assertThat(failureOf(check(new AuthorizeConfig(null, null, null, null, Map.of("team", "support")), KEY_USER)).detail())
                .isEqualTo("label team must be support");
        assertThat(failureOf(check(new AuthorizeConfig(null, null, Map.of("tenant", "globex"), null, null), AGENT)).detail())
                .isEqualTo("claim tenant must be one of [globex]");
        assertThat(failureOf(check(new AuthorizeConfig(null, null, Map.of("roles", List.of("admin")), null, null), AGENT)).detail())
                .isEqualTo("claim roles must be one of [admin]");
        assertThat(failureOf(check(new AuthorizeConfig(null, null, Map.of("tenant", "acme"), null, null), KEY_USER)).detail())
                .isEqualTo("claim tenant must be one of [acme]");
    }

    @Test
    void noIdentityIs401() {
        Failure f = failureOf(policy(new AuthorizeConfig(List.of("a"), null, null, null, null)).onRequest(TestExchange.get("/")));
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.code()).isEqualTo("credentials-missing");
    }

    @Test
    void configErrors() {
        assertThat(CollectingConfigErrors.of(new AuthorizeConfig(null, null, null, null, null)))
                .containsExactly(": authorize needs at least one of scopes, anyScopes, claims, consumers, labels");
        assertThat(CollectingConfigErrors.of(new AuthorizeConfig(null, null, Map.of("a", List.of(), "b", Map.of("x", 1)), null, null)))
                .containsExactlyInAnyOrder("claims.a: needs at least one value", "claims.b: must be a value or a list of values");
    }
}
