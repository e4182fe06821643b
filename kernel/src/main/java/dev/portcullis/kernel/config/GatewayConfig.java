package dev.portcullis.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway config, as bound from {@code portcullis.yaml} (plus {@code conf.d/*.yaml}).
 * Plugin-typed parts (stores, components, policies, backends) stay as JSON trees here: they are
 * bound to their factory's record once the factory is known, with their YAML path.
 *
 * @param server     listeners, limits, access log
 * @param plugins    where plugins are loaded from
 * @param stores     named {@link dev.portcullis.spi.StateStore}s; {@code default} is local unless declared
 * @param components other named shared components, each {@code {type: ..., ...}}
 * @param consumers  API consumers with their labels and credentials
 * @param policies   named reusable policies, each {@code {type: ..., ...}}
 * @param routes     routes in declaration order (priority is by specificity, then order)
 */
public record GatewayConfig(
        ServerConfig server,
        PluginsConfig plugins,
        Map<String, ObjectNode> stores,
        Map<String, ObjectNode> components,
        List<ConsumerConfig> consumers,
        Map<String, ObjectNode> policies,
        List<RouteConfig> routes) {

    /** Fills defaults for absent sections. */
    public GatewayConfig {
        server = server == null ? ServerConfig.defaults() : server;
        plugins = plugins == null ? new PluginsConfig(null) : plugins;
        stores = stores == null ? new LinkedHashMap<>() : stores;
        components = components == null ? new LinkedHashMap<>() : components;
        consumers = consumers == null ? List.of() : consumers;
        policies = policies == null ? new LinkedHashMap<>() : policies;
        routes = routes == null ? List.of() : routes;
    }

    /**
     * Where plugins come from.
     *
     * @param directory the plugins folder, relative to the distribution home (default {@code plugins})
     */
    public record PluginsConfig(String directory) {
        /** Defaults the directory. */
        public PluginsConfig {
            directory = directory == null ? "plugins" : directory;
        }
    }

    /**
     * A configured consumer.
     *
     * @param name    unique name
     * @param labels  labels for authorization rules
     * @param apiKeys API keys (use {@code ${ENV}} references) or {@code sha256:<hex>} hashes
     */
    public record ConsumerConfig(String name, Map<String, String> labels, List<String> apiKeys) {}

    /**
     * One route.
     *
     * @param name     unique name, used in metrics, logs and the admin API
     * @param match    what requests it takes
     * @param policies the chain: names of {@code policies:} entries, or inline {@code {type: ...}} objects
     * @param backend  the terminal step, {@code {type: http|llm|mcp|..., ...}}
     * @param lifecycle optional API lifecycle ({@code version}, {@code status}, ...): shorthand for a
     *                 {@code lifecycle} policy placed first in the chain
     */
    public record RouteConfig(String name, MatchConfig match, List<JsonNode> policies, ObjectNode backend,
            ObjectNode lifecycle) {
        /** Null policy list becomes empty. */
        public RouteConfig {
            policies = policies == null ? List.of() : policies;
        }
    }

    /**
     * What a route matches. Every given condition must hold. At most one of {@code path} and
     * {@code pathPrefix}; {@code path} with {@code {name}} segments is a template.
     *
     * @param host       exact host, or {@code *.example.com} for any subdomain
     * @param path       exact path, or a template like {@code /users/{id}}
     * @param pathPrefix a prefix on segment boundaries: {@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}
     * @param methods    allowed methods (any when empty)
     * @param headers    headers that must be present with exactly these values
     * @param query      query parameters that must be present with exactly these (decoded) values,
     *                   e.g. {@code version: "2"} for version selection by query parameter
     */
    public record MatchConfig(
            String host, String path, String pathPrefix, List<String> methods, Map<String, String> headers,
            Map<String, String> query) {
        /** Null collections become empty. */
        public MatchConfig {
            methods = methods == null ? List.of() : methods;
            headers = headers == null ? Map.of() : headers;
            query = query == null ? Map.of() : query;
        }
    }
}
