package dev.portcullis.kernel.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.chain.PolicyChain;
import dev.portcullis.kernel.config.ConfigBinder;
import dev.portcullis.kernel.config.ConfigErrorList;
import dev.portcullis.kernel.config.ConfigInvalidException;
import dev.portcullis.kernel.config.ConfigPath;
import dev.portcullis.kernel.config.GatewayConfig;
import dev.portcullis.kernel.config.GatewayConfig.RouteConfig;
import dev.portcullis.kernel.plugin.PluginRegistry;
import dev.portcullis.kernel.plugin.PluginRegistry.Provided;
import dev.portcullis.kernel.routing.HostPattern;
import dev.portcullis.kernel.routing.PathPattern;
import dev.portcullis.kernel.routing.Router;
import dev.portcullis.spi.AuditLog;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.RouteInfo;
import dev.portcullis.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bound {@link GatewayConfig} into a {@link CompiledConfig}: components, policies and
 * backends created through their factories, routes compiled into a router. Every error is
 * collected with its YAML path; on any error everything built so far is closed and the whole
 * config is refused, so a bad reload never leaves half a config running.
 */
public final class ConfigCompiler {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigCompiler.class);

    private final PluginRegistry registry;
    private final MeterRegistry meters;
    private final ScheduledExecutorService scheduler;
    private final AuditLog audit;
    private final AtomicLong versions = new AtomicLong();

    /** A compiler over the loaded plugins. */
    public ConfigCompiler(PluginRegistry registry, MeterRegistry meters, ScheduledExecutorService scheduler) {
        this(registry, meters, scheduler, AuditLog.discarding());
    }

    /** A compiler whose plugins record their decisions in {@code audit}. */
    public ConfigCompiler(PluginRegistry registry, MeterRegistry meters, ScheduledExecutorService scheduler,
            AuditLog audit) {
        this.registry = registry;
        this.meters = meters;
        this.scheduler = scheduler;
        this.audit = audit;
    }

    /**
     * Compiles {@code config}; components equal to those of {@code previous} are reused.
     *
     * @throws ConfigInvalidException with every error found
     */
    public Result compile(GatewayConfig config, ConfigBinder binder, Path configDir, CompiledConfig previous) {
        return compile(config, binder, new ConfigErrorList(), configDir, previous);
    }

    /**
     * Compiles a possibly partly bound {@code config} (routes that failed to bind are null),
     * adding to the binding's {@code errors} so the operator sees every problem in one pass.
     *
     * @throws ConfigInvalidException with every error found, the binding's included
     */
    public Result compile(GatewayConfig config, ConfigBinder binder, ConfigErrorList errors, Path configDir,
            CompiledConfig previous) {
        Components components = new Components();
        List<Components.Built> reused = new ArrayList<>();
        List<AutoCloseable> created = new ArrayList<>();
        List<Consumer> consumers = config.consumers().stream()
                .filter(java.util.Objects::nonNull)
                .map(c -> new Consumer(c.name(), c.labels(), c.apiKeys()))
                .toList();
        GatewayContext ctx = new GatewayContext(components, consumers, meters, scheduler, configDir, audit, registry);

        Map<String, ObjectNode> stores = new LinkedHashMap<>(config.stores());
        stores.putIfAbsent("default", JsonNodeFactory.instance.objectNode().put("type", "local"));
        buildComponents("stores", stores, StateStore.class, components, reused, created, ctx, previous, binder, errors);
        buildComponents("components", config.components(), null, components, reused, created, ctx, previous, binder, errors);

        Map<String, Policy> named = new LinkedHashMap<>();
        config.policies().forEach((name, node) -> {
            if (node == null) {
                return;
            }
            Policy p = createPolicy(node, errors.at(ConfigPath.key("policies", name)), ctx, binder, created);
            if (p != null) {
                named.put(name, p);
            }
        });

        List<Router.Entry<CompiledRoute>> entries = new ArrayList<>();
        List<CompiledRoute> routes = new ArrayList<>();
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig rc = config.routes().get(i);
            if (rc == null) {
                continue; // failed to bind; its errors are already listed
            }
            ConfigErrorList at = errors.at("routes[" + i + "]");
            List<Policy> chain = new ArrayList<>();
            if (rc.lifecycle() != null) {
                // route-level `lifecycle:` is a lifecycle policy in front of the others
                ObjectNode node = rc.lifecycle().deepCopy();
                node.put("type", "lifecycle");
                Policy p = createPolicy(node, at.at("lifecycle"), ctx, binder, created);
                if (p != null) {
                    chain.add(p);
                }
            }
            for (int j = 0; j < rc.policies().size(); j++) {
                JsonNode ref = rc.policies().get(j);
                // unknown names and malformed entries were reported by the binder's validation
                Policy p = ref.isTextual() ? named.get(ref.asText())
                        : ref.isObject() ? createPolicy((ObjectNode) ref, at.at("policies[" + j + "]"), ctx, binder, created)
                        : null;
                if (p != null) {
                    chain.add(p);
                }
            }
            Backend backend = rc.backend() == null ? null : createBackend(rc.backend(), at.at("backend"), ctx, binder, created);
            PathPattern path;
            try {
                path = PathPattern.of(rc.match() == null ? null : rc.match().path(), rc.match() == null ? null : rc.match().pathPrefix());
            } catch (IllegalArgumentException e) {
                at.add("match.path", e.getMessage());
                continue;
            }
            if (backend == null) {
                continue;
            }
            String backendType = rc.backend().path("type").asText();
            CompiledRoute route = new CompiledRoute(new RouteInfo(rc.name(), backendType),
                    new PolicyChain(chain, backend), new RouteMetrics(meters, rc.name()));
            routes.add(route);
            var m = rc.match();
            entries.add(new Router.Entry<>(route,
                    HostPattern.of(m == null ? null : m.host()),
                    path,
                    m == null ? java.util.Set.of() : Router.methods(m.methods()),
                    m == null ? Map.of() : m.headers(),
                    m == null ? Map.of() : m.query(),
                    i));
        }

        if (!errors.isEmpty()) {
            for (AutoCloseable c : created) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing after a refused config: {}", e.toString());
                }
            }
            errors.throwIfAny();
        }
        CompiledConfig compiled = new CompiledConfig(config, new Router<>(entries), List.copyOf(routes), components, named,
                versions.incrementAndGet());
        return new Result(compiled, reused);
    }

    /**
     * A compiled config and the components it took over from the previous one.
     *
     * @param config the new config
     * @param reused components carried over; hand them over when the new config is installed
     */
    public record Result(CompiledConfig config, List<Components.Built> reused) {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void buildComponents(String section, Map<String, ObjectNode> nodes, Class<?> requiredApi,
            Components components, List<Components.Built> reused, List<AutoCloseable> created,
            GatewayContext ctx, CompiledConfig previous, ConfigBinder binder, ConfigErrorList errors) {
        nodes.forEach((name, node) -> {
            ConfigErrorList at = errors.at(ConfigPath.key(section, name));
            String type = typeOf(node);
            if (type == null) {
                return;
            }
            var reuse = Components.reusable(previous == null ? null : previous.components(), section, name, node);
            if (reuse.isPresent()) {
                components.add(reuse.get());
                reused.add(reuse.get());
                return;
            }
            Provided<ComponentFactory<?, ?>> provided = registry.component(type).orElse(null);
            if (provided == null) {
                at.add("type", "unknown " + (requiredApi == StateStore.class ? "store" : "component") + " type '" + type
                        + "' (known: " + String.join(", ", registry.components().keySet()) + ")");
                return;
            }
            ComponentFactory factory = provided.factory();
            if (requiredApi != null && !requiredApi.isAssignableFrom(factory.componentType())) {
                at.add("type", "'" + type + "' is not a " + requiredApi.getSimpleName());
                return;
            }
            int before = errors.size();
            Object cfg = binder.bindPlugin(node, factory.configType(), at);
            if (cfg == null || errors.size() > before) {
                return; // never create from a config its own validation refused
            }
            Object instance = create(at, provided.loader(), () -> factory.create(cfg, ctx));
            if (instance != null) {
                components.add(new Components.Built(section, name, type, node, factory.componentType(), instance));
                if (instance instanceof AutoCloseable c) {
                    created.add(c);
                }
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Policy createPolicy(ObjectNode node, ConfigErrorList at, GatewayContext ctx, ConfigBinder binder, List<AutoCloseable> created) {
        boolean shadow = false;
        if (node.has("shadow")) {
            // `shadow` works for every policy type: the kernel's, not the plugin's, setting
            JsonNode flag = node.get("shadow");
            if (!flag.isBoolean()) {
                at.add("shadow", "expected true or false");
                return null;
            }
            shadow = flag.booleanValue();
            node = node.deepCopy();
            node.remove("shadow");
        }
        String type = typeOf(node);
        if (type == null) {
            return null;
        }
        Provided<PolicyFactory<?>> provided = registry.policy(type).orElse(null);
        if (provided == null) {
            at.add("type", "unknown policy type '" + type + "' (known: " + String.join(", ", registry.policies().keySet()) + ")");
            return null;
        }
        PolicyFactory factory = provided.factory();
        int before = at.size();
        Object cfg = binder.bindPlugin(node, factory.configType(), at);
        if (cfg == null || at.size() > before) {
            return null; // never create from a config its own validation refused
        }
        Policy p = create(at, provided.loader(), () -> factory.create(cfg, ctx));
        if (p == null) {
            return null;
        }
        created.add(p);
        Policy scoped = LoaderScoped.wrap(p, provided.loader());
        return shadow ? new ShadowPolicy(scoped, type, meters) : scoped;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Backend createBackend(ObjectNode node, ConfigErrorList at, GatewayContext ctx, ConfigBinder binder, List<AutoCloseable> created) {
        String type = typeOf(node);
        if (type == null) {
            return null;
        }
        Provided<BackendFactory<?>> provided = registry.backend(type).orElse(null);
        if (provided == null) {
            at.add("type", "unknown backend type '" + type + "' (known: " + String.join(", ", registry.backends().keySet()) + ")");
            return null;
        }
        BackendFactory factory = provided.factory();
        int before = at.size();
        Object cfg = binder.bindPlugin(node, factory.configType(), at);
        if (cfg == null || at.size() > before) {
            return null; // never create from a config its own validation refused
        }
        Backend b = create(at, provided.loader(), () -> factory.create(cfg, ctx));
        if (b == null) {
            return null;
        }
        created.add(b);
        return LoaderScoped.wrap(b, provided.loader());
    }

    private static String typeOf(ObjectNode node) {
        JsonNode t = node.get("type");
        // a missing or malformed type was reported by the binder's validation
        return t == null || !t.isTextual() || t.asText().isBlank() ? null : t.asText();
    }

    /** Runs a factory with the plugin's class loader current, turning its failures into config errors. */
    private static <T> T create(ConfigErrorList at, ClassLoader loader, Supplier<T> factoryCall) {
        Thread t = Thread.currentThread();
        ClassLoader prev = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return factoryCall.get();
        } catch (ConfigException e) {
            at.add(e.path(), e.getMessage());
        } catch (ConfigInvalidException e) {
            e.errors().forEach(err -> at.add(err.path(), err.message()));
        } catch (RuntimeException e) {
            LOG.debug("factory failed", e);
            at.add("", "could not be created: " + e.getMessage());
        } finally {
            t.setContextClassLoader(prev);
        }
        return null;
    }
}
