package dev.portcullis.kernel.plugin;

import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PolicyFactory;
import dev.portcullis.spi.llm.ProviderAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugins from the plugins folder with PF4J and indexes every factory by its {@code type}.
 * Extensions on the gateway's own class path (the kernel's built-ins, and plugin classes in
 * in-process tests) are found the same way. Factories are instantiated once, here, at start-up.
 */
public final class PluginRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    /** Where a factory comes from, for messages and {@code portcullis plugins}. */
    public static final String BUILT_IN = "kernel";

    /**
     * A factory and its origin.
     *
     * @param kind    policy, backend or component
     * @param type    the YAML type
     * @param factory the factory instance
     * @param owner   the plugin id, {@code kernel} for built-ins, {@code classpath} otherwise
     * @param loader  the class loader to make current around calls into the factory's products
     */
    public record Provided<F>(String kind, String type, F factory, String owner, ClassLoader loader) {}

    /**
     * A loaded plugin.
     *
     * @param id          plugin id
     * @param version     plugin version
     * @param description plugin description
     * @param path        where it was loaded from
     * @param state       PF4J state (STARTED, FAILED, ...)
     * @param types       the types it provides, as {@code kind:type}
     */
    public record PluginInfo(String id, String version, String description, String path, String state, List<String> types) {}

    private final PluginManager manager;
    private final Map<Class<?>, List<?>> extensions = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Provided<PolicyFactory<?>>> policies;
    private final Map<String, Provided<BackendFactory<?>>> backends;
    private final Map<String, Provided<ComponentFactory<?, ?>>> components;

    private PluginRegistry(PluginManager manager,
            Map<String, Provided<PolicyFactory<?>>> policies,
            Map<String, Provided<BackendFactory<?>>> backends,
            Map<String, Provided<ComponentFactory<?, ?>>> components) {
        this.manager = manager;
        this.policies = policies;
        this.backends = backends;
        this.components = components;
    }

    /**
     * Loads and starts the plugins in {@code pluginsDir} (which may not exist) and indexes their
     * factories together with the class path's.
     *
     * @throws PluginConflictException when two factories claim one type
     */
    public static PluginRegistry load(Path pluginsDir) {
        PluginManager manager = new GatewayPluginManager(pluginsDir);
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            manager.loadPlugins();
            manager.startPlugins();
            for (PluginWrapper w : manager.getPlugins()) {
                if (w.getFailedException() != null) {
                    LOG.error("plugin {} failed to start: {}", w.getPluginId(), w.getFailedException().toString());
                }
            }
        }
        List<String> conflicts = new ArrayList<>();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Provided<PolicyFactory<?>>> policies = index(manager, "policy",
                (List) manager.getExtensions(PolicyFactory.class), f -> ((PolicyFactory<?>) f).type(), conflicts);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Provided<BackendFactory<?>>> backends = index(manager, "backend",
                (List) manager.getExtensions(BackendFactory.class), f -> ((BackendFactory<?>) f).type(), conflicts);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Provided<ComponentFactory<?, ?>>> components = index(manager, "component",
                (List) manager.getExtensions(ComponentFactory.class), f -> ((ComponentFactory<?, ?>) f).type(), conflicts);
        if (!conflicts.isEmpty()) {
            stopAll(manager);
            throw new PluginConflictException(conflicts);
        }
        return new PluginRegistry(manager, policies, backends, components);
    }

    private static <F> Map<String, Provided<F>> index(PluginManager manager, String kind, List<F> factories,
            Function<Object, String> typeOf, List<String> conflicts) {
        Map<String, Provided<F>> out = new TreeMap<>();
        for (F f : factories) {
            String type = typeOf.apply(f);
            PluginWrapper w = manager.whichPlugin(f.getClass());
            String owner = ownerOf(manager, f);
            ClassLoader loader = w != null ? w.getPluginClassLoader() : f.getClass().getClassLoader();
            Provided<F> previous = out.get(type);
            if (previous != null) {
                if (previous.factory().getClass().getName().equals(f.getClass().getName()) && previous.owner().equals(owner)) {
                    continue; // the same class seen twice through overlapping indexes
                }
                conflicts.add(kind + " type '" + type + "' is provided by both " + describe(previous.owner(), previous.factory())
                        + " and " + describe(owner, f));
                continue;
            }
            out.put(type, new Provided<>(kind, type, f, owner, loader));
        }
        return out;
    }

    private static String ownerOf(PluginManager manager, Object extension) {
        PluginWrapper w = manager.whichPlugin(extension.getClass());
        return w != null ? w.getPluginId()
                : extension.getClass().getName().startsWith("dev.portcullis.kernel.") ? BUILT_IN : "classpath";
    }

    private static String describe(String owner, Object factory) {
        return switch (owner) {
            case BUILT_IN -> "the kernel (" + factory.getClass().getName() + ")";
            case "classpath" -> "the class path (" + factory.getClass().getName() + ")";
            default -> "plugin '" + owner + "' (" + factory.getClass().getName() + ")";
        };
    }

    /** The policy factory for {@code type}. */
    public Optional<Provided<PolicyFactory<?>>> policy(String type) {
        return Optional.ofNullable(policies.get(type));
    }

    /** The backend factory for {@code type}. */
    public Optional<Provided<BackendFactory<?>>> backend(String type) {
        return Optional.ofNullable(backends.get(type));
    }

    /** The component factory for {@code type}. */
    public Optional<Provided<ComponentFactory<?, ?>>> component(String type) {
        return Optional.ofNullable(components.get(type));
    }

    /**
     * The extensions of {@code extensionPoint} from the loaded plugins and the class path: one
     * instance per class, made on first ask and then kept, so that a reload sees the same
     * instances (PF4J would make new ones on every call).
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> extensions(Class<T> extensionPoint) {
        return (List<T>) extensions.computeIfAbsent(extensionPoint, t -> {
            // a class indexed twice (class path and plugin overlap in in-process tests) counts once
            Map<Class<?>, Object> byClass = new LinkedHashMap<>();
            for (Object e : manager.getExtensions(t)) {
                byClass.putIfAbsent(e.getClass(), e);
            }
            return List.copyOf(byClass.values());
        });
    }

    /** Every known policy type, sorted. */
    public Map<String, Provided<PolicyFactory<?>>> policies() {
        return Collections.unmodifiableMap(policies);
    }

    /** Every known backend type, sorted. */
    public Map<String, Provided<BackendFactory<?>>> backends() {
        return Collections.unmodifiableMap(backends);
    }

    /** Every known component type, sorted. */
    public Map<String, Provided<ComponentFactory<?, ?>>> components() {
        return Collections.unmodifiableMap(components);
    }

    /** The loaded plugins plus a pseudo-entry for the kernel's built-ins. */
    public List<PluginInfo> plugins() {
        Map<String, List<String>> typesByOwner = new LinkedHashMap<>();
        policies.values().forEach(p -> typesByOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add("policy:" + p.type()));
        backends.values().forEach(p -> typesByOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add("backend:" + p.type()));
        components.values().forEach(p -> typesByOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add("component:" + p.type()));
        // provider adapters are no factories, but a plugin that has only one should not look empty
        for (ProviderAdapter a : extensions(ProviderAdapter.class)) {
            typesByOwner.computeIfAbsent(ownerOf(manager, a), k -> new ArrayList<>()).add("llm-provider:" + a.type());
        }
        List<PluginInfo> out = new ArrayList<>();
        if (typesByOwner.containsKey(BUILT_IN)) {
            out.add(new PluginInfo(BUILT_IN, KernelVersion.get(), "built into the kernel", "", "STARTED",
                    typesByOwner.get(BUILT_IN)));
        }
        if (typesByOwner.containsKey("classpath")) {
            out.add(new PluginInfo("classpath", "", "extensions on the class path", "", "STARTED",
                    typesByOwner.get("classpath")));
        }
        for (PluginWrapper w : manager.getPlugins()) {
            PluginDescriptor d = w.getDescriptor();
            out.add(new PluginInfo(w.getPluginId(), d.getVersion(), d.getPluginDescription(),
                    String.valueOf(w.getPluginPath()), w.getPluginState().toString(),
                    typesByOwner.getOrDefault(w.getPluginId(), List.of())));
        }
        return out;
    }

    @Override
    public void close() {
        stopAll(manager);
    }

    private static void stopAll(PluginManager manager) {
        // PF4J 3.15's stopPlugins() throws ConcurrentModificationException: stop one by one from a copy.
        for (PluginWrapper w : new ArrayList<>(manager.getStartedPlugins())) {
            try {
                manager.stopPlugin(w.getPluginId());
            } catch (RuntimeException e) {
                LOG.warn("stopping plugin {} failed: {}", w.getPluginId(), e.toString());
            }
        }
    }

    /** PF4J's manager with the gateway's class loading rules. */
    private static final class GatewayPluginManager extends DefaultPluginManager {

        GatewayPluginManager(Path root) {
            super(root == null ? List.of() : List.of(root));
        }

        @Override
        protected PluginLoader createPluginLoader() {
            return new CompoundPluginLoader()
                    .add(new DefaultPluginLoader(this) {
                        @Override
                        protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                            return new GatewayPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                        }
                    }, this::isNotDevelopment)
                    .add(new JarPluginLoader(this) {
                        @Override
                        protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                            return new GatewayPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
                        }
                    }, this::isNotDevelopment);
        }
    }
}
