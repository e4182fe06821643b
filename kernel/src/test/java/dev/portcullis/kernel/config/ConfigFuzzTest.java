package dev.portcullis.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.Map;

/**
 * The config loader and binder on arbitrary YAML: a config is either bound or refused with a
 * {@link ConfigInvalidException} whose every line names a path or a file position. Any other
 * exception (a Jackson or SnakeYAML error leaking out, a NullPointerException in a record) would
 * reach the operator as a stack trace at start or on reload: a finding.
 */
class ConfigFuzzTest {

    private static final Map<String, String> ENV = Map.of("KEY", "s3cr3t", "PORT", "8080");

    @FuzzTest(maxDuration = "30s")
    void yamlIsBoundOrRefusedWithPathsNeverThrownAtTheOperator(@NotNull String yaml) {
        try {
            LoadedConfig loaded = new ConfigLoader(ENV).load(yaml, "fuzz.yaml");
            ConfigErrorList errors = new ConfigErrorList();
            GatewayConfig config = new ConfigBinder(loaded.substitutedPaths()).bindGateway(loaded.tree(), errors);
            errors.throwIfAny();
            assertThat(config.server()).isNotNull();
            assertThat(config.routes()).isNotNull();
        } catch (ConfigInvalidException refused) {
            assertThat(refused.lines()).isNotEmpty().allSatisfy(line -> assertThat(line).isNotBlank());
            // a secret substituted from the environment is never echoed back in an error
            if (!yaml.contains("s3cr3t")) {
                assertThat(refused.getMessage()).doesNotContain("s3cr3t");
            }
        }
    }
}
