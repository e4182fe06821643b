package dev.portcullis.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigMapper;
import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;

/**
 * Builds policies and components the way the gateway does for one YAML entry: the entry is parsed,
 * bound to the factory's config record by the kernel's {@link ConfigBinder} (defaults, unknown keys
 * refused, validation), then handed to the factory's public {@code create}.
 */
public final class Factories {

    private Factories() {}

    /** A policy from its YAML, e.g. {@code "{ type: rate-limit, limit: 10, period: 1s }"}. */
    public static <C> Policy policy(PolicyFactory<C> factory, String yaml, PluginContext context) {
        return factory.create(bind(yaml, factory.configType(), factory.type()), context);
    }

    /** A component (e.g. a state store) from its YAML. */
    public static <C, T> T component(ComponentFactory<C, T> factory, String yaml, PluginContext context) {
        return factory.create(bind(yaml, factory.configType(), factory.type()), context);
    }

    private static <C> C bind(String yaml, Class<C> type, String name) {
        JsonNode node;
        try {
            node = ConfigMapper.yaml().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("benchmark config for " + name + " is not YAML: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("benchmark config for " + name + " is not a map");
        }
        return new ConfigBinder().bindPlugin(object, type, name);
    }
}
