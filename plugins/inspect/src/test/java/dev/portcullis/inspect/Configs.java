package dev.portcullis.inspect;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestPluginContext;
import java.util.List;

/** Binds inspect configs from YAML the way the kernel does (unknown keys refused) and validates them. */
final class Configs {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Configs() {}

    static InspectConfig bind(String yaml) {
        try {
            return YAML.readValue(yaml, InspectConfig.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Every validation error as {@code path: message}. */
    static List<String> errors(InspectConfig config) {
        return CollectingConfigErrors.of(config);
    }

    /** Binds, checks it is valid, and builds the policy. */
    static InspectPolicy policy(String yaml, TestPluginContext context) {
        InspectConfig config = bind(yaml);
        List<String> errors = errors(config);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid config: " + errors);
        }
        return (InspectPolicy) new InspectPolicyFactory().create(config, context);
    }
}
