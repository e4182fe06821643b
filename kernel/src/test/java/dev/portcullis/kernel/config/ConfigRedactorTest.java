package dev.portcullis.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigRedactorTest {

    private static final String YAML = """
            consumers:
              - { name: support, apiKeys: ["${SUPPORT_KEY}", "sha256:ab12"], labels: { team: support } }
            policies:
              auth: { type: jwt, issuer: "https://${IDP_HOST}/", audience: portcullis,
                      client: { clientSecret: s3cr3t, id: gw }, Authorization: "Basic abc" }
            routes:
              - name: llm
                backend:
                  type: llm
                  providers:
                    - { name: openai, apiKey: "${OPENAI_API_KEY}", baseUrl: "https://api.openai.com/v1" }
                    - { name: local, API_KEY: literal-in-file, headers: { X-Api-Key: abc, Accept: json } }
              - { name: db, backend: { type: sql, password: { value: pw, file: /run/pw }, maxTokens: 4000, token: null } }
            """;

    private final LoadedConfig loaded = new ConfigLoader(
            Map.of("SUPPORT_KEY", "k-123", "IDP_HOST", "idp.example", "OPENAI_API_KEY", "sk-live"))
            .load(YAML, "portcullis.yaml");

    @Test
    void hidesEnvironmentValuesAndSecretNamedKeysKeepingTheShape() {
        JsonNode r = ConfigRedactor.redact(loaded.tree(), loaded.substitutedPaths());

        assertThat(r.at("/consumers/0/apiKeys")).extracting(JsonNode::asText)
                .containsExactly("<redacted>", "<redacted>");
        assertThat(r.at("/consumers/0/name").asText()).isEqualTo("support");
        assertThat(r.at("/consumers/0/labels/team").asText()).isEqualTo("support");
        assertThat(r.at("/policies/auth/issuer").asText()).isEqualTo("<redacted>");  // from ${IDP_HOST}
        assertThat(r.at("/policies/auth/audience").asText()).isEqualTo("portcullis");
        assertThat(r.at("/policies/auth/client/clientSecret").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/policies/auth/client/id").asText()).isEqualTo("gw");
        assertThat(r.at("/policies/auth/Authorization").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/routes/0/backend/providers/0/apiKey").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/routes/0/backend/providers/0/baseUrl").asText()).isEqualTo("https://api.openai.com/v1");
        assertThat(r.at("/routes/0/backend/providers/1/API_KEY").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/routes/0/backend/providers/1/headers/X-Api-Key").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/routes/0/backend/providers/1/headers/Accept").asText()).isEqualTo("json");
        assertThat(r.at("/routes/1/backend/password/value").asText()).isEqualTo("<redacted>"); // nested under a secret key
        assertThat(r.at("/routes/1/backend/password/file").asText()).isEqualTo("<redacted>");
        assertThat(r.at("/routes/1/backend/maxTokens").asInt()).isEqualTo(4000);
        assertThat(r.at("/routes/1/backend/token").isNull()).isTrue();

        assertThat(r.toString()).doesNotContain("k-123", "idp.example", "sk-live", "s3cr3t", "literal-in-file", "pw");
    }

    @Test
    void leavesTheOriginalTreeAlone() {
        String before = loaded.tree().toString();
        ConfigRedactor.redact(loaded.tree(), loaded.substitutedPaths());
        assertThat(loaded.tree().toString()).isEqualTo(before).contains("sk-live");
    }

    @Test
    void worksOnTheTreeOfABoundConfig() {
        GatewayConfig config = new ConfigBinder(loaded.substitutedPaths()).bindGateway(loaded.tree());
        JsonNode bound = ConfigMapper.json().valueToTree(config);
        JsonNode r = ConfigRedactor.redact(bound, loaded.substitutedPaths());
        assertThat(r.toString()).doesNotContain("k-123", "idp.example", "sk-live");
        assertThat(r.at("/server/shutdownGracePeriod").asText()).isEqualTo("30s");
        assertThat(r.at("/server/limits/maxRequestBody").asText()).isEqualTo(10 * 1024 * 1024 + "B");
    }

    @Test
    void secretKeyNames() {
        for (String key : Set.of("apiKey", "api_key", "API-KEY", "apiKeys", "password", "adminPassword", "secret",
                "clientSecret", "client_secret", "token", "accessToken", "authorization", "privateKey", "x-api-key")) {
            assertThat(ConfigRedactor.isSecretKey(key)).as(key).isTrue();
        }
        for (String key : Set.of("name", "tokensPerMinute", "maxTokens", "tokenizer", "url", "keyId", "key", "issuer")) {
            assertThat(ConfigRedactor.isSecretKey(key)).as(key).isFalse();
        }
    }
}
