package dev.portcullis.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cross-part checks of the gateway config, through {@link ConfigBinder#bindGateway}. */
class GatewayConfigValidatorTest {

    private static List<String> errors(String yaml) {
        try {
            new ConfigBinder().bindGateway(ConfigMapper.yaml().readTree(yaml));
        } catch (ConfigInvalidException e) {
            return e.lines();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of();
    }

    @Test
    void aValidConfigHasNoErrors() {
        assertThat(errors("""
                server: { port: 0, admin: { port: 0 } }
                policies: { auth: { type: jwt } }
                routes:
                  - { name: a, match: { pathPrefix: /a, methods: [GET, M-SEARCH] }, policies: [auth], backend: { type: http } }
                  - { name: b, match: { path: "/users/{id}" }, policies: [{ type: cors }], backend: { type: http } }
                """)).isEmpty();
    }

    @Test
    void routeNamesMustBeUniqueAndPresent() {
        assertThat(errors("""
                routes:
                  - { name: orders, backend: { type: http } }
                  - { backend: { type: http } }
                  - { name: orders, backend: { type: http } }
                  - { name: " ", backend: { type: http } }
                """)).containsExactly(
                "routes[1].name: required: a unique name",
                "routes[2].name: duplicate name 'orders' (also routes[0])",
                "routes[3].name: required: a unique name");
    }

    @Test
    void consumerNamesMustBeUnique() {
        assertThat(errors("""
                consumers: [ { name: a, apiKeys: [k1, ""] }, { name: a } ]
                """)).containsExactly(
                "consumers[0].apiKeys[1]: must not be empty",
                "consumers[1].name: duplicate name 'a' (also consumers[0])");
    }

    @Test
    void matchChecks() {
        assertThat(errors("""
                routes:
                  - name: r
                    match: { path: /a, pathPrefix: b, methods: [GET, "BAD METHOD", get, ""], host: "" }
                    backend: { type: http }
                """)).containsExactly(
                "routes[0].match: give either path or pathPrefix, not both",
                "routes[0].match.pathPrefix: must start with '/': 'b'",
                "routes[0].match.host: must not be empty",
                "routes[0].match.methods[1]: not an HTTP method: 'BAD METHOD'",
                "routes[0].match.methods[2]: methods are case-sensitive: write 'GET'",
                "routes[0].match.methods[3]: not an HTTP method: ''");
    }

    @Test
    void policyReferencesMustNameADefinedPolicy() {
        assertThat(errors("""
                policies:
                  agent-auth: { type: jwt }
                  guard: { type: prompt-guard }
                routes:
                  - name: r
                    policies: [agent-auth, gaurd, { limit: 5 }, { type: 7 }, [x]]
                    backend: { type: http }
                """)).containsExactly(
                "routes[0].policies[1]: unknown policy 'gaurd' (defined: agent-auth, guard)",
                "routes[0].policies[2].type: required: the policy's type",
                "routes[0].policies[3].type: expected the policy's type as a string, got 7",
                "routes[0].policies[4]: expected a policy name or an inline policy {type: ...}, got a list");
    }

    @Test
    void pluginTypedObjectsNeedAStringType() {
        assertThat(errors("""
                stores: { default: { uri: "redis://x" } }
                components: { emb: { type: "" } }
                policies: { p: { type: [a] }, q: null, r: [x] }
                routes:
                  - { name: a, policies: [r] }
                  - { name: b, backend: { targets: [] } }
                """)).containsExactly(
                "policies.q: expected a policy {type: ...}, got nothing (null)",
                "policies.r: expected a map, got a list",
                "stores.default.type: required: the store's type",
                "components.emb.type: expected the component's type as a string, got ''",
                "policies.p.type: expected the policy's type as a string, got a list",
                "routes[0].backend: required: the route's backend {type: ...}",
                "routes[1].backend.type: required: the backend's type");
    }

    @Test
    void portsMustBeInRangeAndDistinct() {
        assertThat(errors("server: { port: 70000, admin: { port: -1 } }")).containsExactly(
                "server.port: not a port: 70000 (0..65535; 0 picks a free one)",
                "server.admin.port: not a port: -1 (0..65535; 0 picks a free one)");
        assertThat(errors("server: { port: 9000, admin: { port: 9000 } }"))
                .containsExactly("server.admin.port: the admin listener needs a port of its own (the gateway uses 9000)");
        assertThat(errors("server: { port: 9000, admin: { port: 9000, enabled: false } }")).isEmpty();
        assertThat(errors("server: { limits: { maxConcurrentRequests: 0 } }"))
                .containsExactly("server.limits.maxConcurrentRequests: must be positive, or -1 for unlimited");
    }
}
