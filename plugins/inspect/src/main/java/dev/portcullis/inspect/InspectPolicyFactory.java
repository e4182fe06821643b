package dev.portcullis.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * {@code type: inspect}: content inspection of request and response bodies with PII and secret
 * detectors, blocking, redacting or logging per rule.
 */
@Extension
public final class InspectPolicyFactory implements PolicyFactory<InspectConfig> {

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public String type() {
        return "inspect";
    }

    @Override
    public Class<InspectConfig> configType() {
        return InspectConfig.class;
    }

    @Override
    public String description() {
        return "Inspects bodies for PII, secrets and patterns; blocks, redacts or logs per rule";
    }

    @Override
    public Policy create(InspectConfig config, PluginContext context) {
        Map<String, Pattern> custom = new LinkedHashMap<>();
        config.detectors().forEach((name, regex) -> custom.put(name, Pattern.compile(regex)));
        DetectorRegistry registry;
        try {
            registry = DetectorRegistry.withCustom(custom);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("detectors", e.getMessage());
        }
        ConditionCompiler compiler = new ConditionCompiler(registry);
        List<Inspector.Rule> rules = new ArrayList<>();
        for (int i = 0; i < config.rules().size(); i++) {
            InspectConfig.Rule rule = config.rules().get(i);
            InspectConfig.Action action = rule.action() == null ? config.action() : rule.action();
            Counter matches = Counter.builder(InspectPolicy.MATCHES)
                    .description("Inspect rule matches")
                    .tag("rule", rule.name())
                    .tag("action", action.yaml())
                    .tag("shadow", Boolean.toString(action == InspectConfig.Action.LOG))
                    .register(context.meters());
            rules.add(new Inspector.Rule(rule.name(), compiler.compileAll(rule.when(), "rules[" + i + "].when"), action, matches));
        }
        Inspector inspector = new Inspector(rules, config.minConfidence(), new Masker(config.mask()));
        return new InspectPolicy(config, inspector, mapper, context.meters());
    }
}
