package dev.portcullis.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.config.GatewayConfig.ConsumerConfig;
import dev.portcullis.kernel.config.GatewayConfig.MatchConfig;
import dev.portcullis.kernel.config.GatewayConfig.RouteConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks on a bound {@link GatewayConfig} that span its parts: unique names, route matches,
 * policy references, {@code type} keys of plugin-typed objects, ports. Plugin settings are
 * checked later, when the kernel binds them to their factory's record.
 *
 * <p>Lists may hold {@code null} for elements that failed to bind; they are skipped.
 */
final class GatewayConfigValidator {

    private GatewayConfigValidator() {}

    static void validate(GatewayConfig config, ConfigErrorList errors) {
        validateServer(config.server(), errors.at("server"));
        requireTypes(config.stores(), errors.at("stores"), "store");
        requireTypes(config.components(), errors.at("components"), "component");
        requireTypes(config.policies(), errors.at("policies"), "policy");
        validateConsumers(config.consumers(), errors.at("consumers"));
        validateRoutes(config, errors.at("routes"));
    }

    private static void validateServer(ServerConfig server, ConfigErrorList errors) {
        if (server == null) {
            return;
        }
        checkPort(server.port(), errors.at("port"));
        checkPort(server.admin().port(), errors.at("admin.port"));
        if (server.admin().enabled() && server.port() != 0 && server.port().equals(server.admin().port())) {
            errors.add("admin.port", "the admin listener needs a port of its own (the gateway uses " + server.port() + ")");
        }
        int max = server.limits().maxConcurrentRequests();
        if (max == 0 || max < -1) {
            errors.add("limits.maxConcurrentRequests", "must be positive, or -1 for unlimited");
        }
    }

    private static void checkPort(int port, ConfigErrorList errors) {
        if (port < 0 || port > 65535) {
            errors.add("", "not a port: " + port + " (0..65535; 0 picks a free one)");
        }
    }

    private static void requireTypes(Map<String, ObjectNode> entries, ConfigErrorList errors, String what) {
        for (Map.Entry<String, ObjectNode> entry : entries.entrySet()) {
            if (entry.getValue() != null) { // null: did not bind, already reported
                requireType(entry.getValue(), errors.at(ConfigPath.key("", entry.getKey())), what);
            }
        }
    }

    /** A plugin-typed object needs a non-empty string {@code type}. */
    private static void requireType(ObjectNode node, ConfigErrorList errors, String what) {
        JsonNode type = node.get("type");
        if (type == null || type.isNull()) {
            errors.add("type", "required: the " + what + "'s type");
        } else if (!type.isTextual() || type.textValue().isBlank()) {
            errors.add("type", "expected the " + what + "'s type as a string, got " + ConfigBinder.describe(type));
        }
    }

    private static void validateConsumers(List<ConsumerConfig> consumers, ConfigErrorList errors) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < consumers.size(); i++) {
            ConsumerConfig consumer = consumers.get(i);
            if (consumer == null) {
                continue;
            }
            ConfigErrorList at = errors.at("[" + i + "]");
            uniqueName(consumer.name(), i, seen, at, "consumers");
            if (consumer.apiKeys() != null) {
                for (int k = 0; k < consumer.apiKeys().size(); k++) {
                    String key = consumer.apiKeys().get(k);
                    if (key == null || key.isBlank()) {
                        at.add("apiKeys[" + k + "]", "must not be empty");
                    }
                }
            }
        }
    }

    private static void validateRoutes(GatewayConfig config, ConfigErrorList errors) {
        Map<String, Integer> seen = new HashMap<>();
        List<RouteConfig> routes = config.routes();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig route = routes.get(i);
            if (route == null) {
                continue;
            }
            ConfigErrorList at = errors.at("[" + i + "]");
            uniqueName(route.name(), i, seen, at, "routes");
            if (route.match() != null) {
                validateMatch(route.match(), at.at("match"));
            }
            for (int p = 0; p < route.policies().size(); p++) {
                validatePolicyRef(route.policies().get(p), config, at.at("policies[" + p + "]"));
            }
            if (route.backend() == null) {
                at.add("backend", "required: the route's backend {type: ...}");
            } else {
                requireType(route.backend(), at.at("backend"), "backend");
            }
        }
    }

    private static void uniqueName(String name, int index, Map<String, Integer> seen, ConfigErrorList errors, String list) {
        if (name == null || name.isBlank()) {
            errors.add("name", "required: a unique name");
            return;
        }
        Integer first = seen.putIfAbsent(name, index);
        if (first != null) {
            errors.add("name", "duplicate name '" + name + "' (also " + list + "[" + first + "])");
        }
    }

    private static void validateMatch(MatchConfig match, ConfigErrorList errors) {
        if (match.path() != null && match.pathPrefix() != null) {
            errors.add("", "give either path or pathPrefix, not both");
        }
        checkPath(match.path(), errors.at("path"));
        checkPath(match.pathPrefix(), errors.at("pathPrefix"));
        if (match.host() != null && match.host().isBlank()) {
            errors.add("host", "must not be empty");
        }
        for (int m = 0; m < match.methods().size(); m++) {
            String method = match.methods().get(m);
            if (method == null || !isToken(method)) {
                errors.add("methods[" + m + "]", "not an HTTP method: " + ConfigBinder.describe(
                        method == null ? null : com.fasterxml.jackson.databind.node.TextNode.valueOf(method)));
            } else if (!method.equals(method.toUpperCase(Locale.ROOT))) {
                errors.add("methods[" + m + "]", "methods are case-sensitive: write '"
                        + method.toUpperCase(Locale.ROOT) + "'");
            }
        }
    }

    private static void checkPath(String path, ConfigErrorList errors) {
        if (path != null && !path.startsWith("/")) {
            errors.add("", "must start with '/': '" + path + "'");
        }
    }

    private static void validatePolicyRef(JsonNode ref, GatewayConfig config, ConfigErrorList errors) {
        if (ref != null && ref.isTextual()) {
            if (!config.policies().containsKey(ref.textValue())) {
                errors.add("", "unknown policy '" + ref.textValue() + "' ("
                        + (config.policies().isEmpty() ? "no policies are defined"
                                : "defined: " + String.join(", ", config.policies().keySet())) + ")");
            }
        } else if (ref instanceof ObjectNode inline) {
            requireType(inline, errors, "policy");
        } else {
            errors.add("", "expected a policy name or an inline policy {type: ...}, got " + ConfigBinder.describe(ref));
        }
    }

    /** RFC 9110 token: what a method may be made of. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
