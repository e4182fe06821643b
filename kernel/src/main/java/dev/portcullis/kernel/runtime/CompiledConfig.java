package dev.portcullis.kernel.runtime;

import dev.portcullis.kernel.config.GatewayConfig;
import dev.portcullis.kernel.routing.Router;
import dev.portcullis.spi.Policy;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fully built config: the router over compiled routes, and everything they use. Immutable
 * once built. In-flight requests hold a reference count, so a retired config is closed only after
 * its last request finished.
 */
public final class CompiledConfig {

    private static final Logger LOG = LoggerFactory.getLogger(CompiledConfig.class);

    private final GatewayConfig source;
    private final Router<CompiledRoute> router;
    private final List<CompiledRoute> routes;
    private final Components components;
    private final Map<String, dev.portcullis.spi.Policy> namedPolicies;
    private final long version;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    CompiledConfig(GatewayConfig source, Router<CompiledRoute> router, List<CompiledRoute> routes,
            Components components, Map<String, dev.portcullis.spi.Policy> namedPolicies, long version) {
        this.namedPolicies = Map.copyOf(namedPolicies);
        this.source = source;
        this.router = router;
        this.routes = routes;
        this.components = components;
        this.version = version;
    }

    /** The config as bound from YAML. */
    public GatewayConfig source() {
        return source;
    }

    /** The router. */
    public Router<CompiledRoute> router() {
        return router;
    }

    /** Routes in declaration order. */
    public List<CompiledRoute> routes() {
        return routes;
    }

    /**
     * The policy declared under {@code policies: <name>} if it implements {@code type}, else the
     * component {@code name} if it does (for commands such as {@code eval} that use one directly).
     */
    public <T> java.util.Optional<T> policyOrComponent(String name, Class<T> type) {
        Object p = namedPolicies.containsKey(name) ? LoaderScoped.unwrap(namedPolicies.get(name)) : null;
        if (type.isInstance(p)) {
            return java.util.Optional.of(type.cast(p));
        }
        for (Components.Built b : components.all()) {
            Object c = LoaderScoped.unwrap(b.instance());
            if (b.name().equals(name) && type.isInstance(c)) {
                return java.util.Optional.of(type.cast(c));
            }
        }
        return java.util.Optional.empty();
    }

    /** The admin endpoints of components, by component name. */
    public Map<String, dev.portcullis.spi.AdminEndpoint> componentEndpoints() {
        Map<String, dev.portcullis.spi.AdminEndpoint> out = new java.util.LinkedHashMap<>();
        for (Components.Built b : components.all()) {
            if (LoaderScoped.unwrap(b.instance()) instanceof dev.portcullis.spi.AdminEndpoint e) {
                out.put(b.name(), e);
            }
        }
        return out;
    }

    /** The shared components built for this config. */
    public Components components() {
        return components;
    }

    /** 1 for the first config, +1 per successful reload. */
    public long version() {
        return version;
    }

    /** Requests currently using this config. */
    public int inFlight() {
        return inFlight.get();
    }

    boolean tryAcquire() {
        inFlight.incrementAndGet();
        return true;
    }

    void release() {
        if (inFlight.decrementAndGet() == 0 && retired.get()) {
            closeOnce();
        }
    }

    /** Marks this config as replaced; it closes when its last request finishes. */
    void retire() {
        retired.set(true);
        if (inFlight.get() == 0) {
            closeOnce();
        }
    }

    /** Closes a config that was only built to validate it. */
    public void retireForValidation() {
        retire();
    }

    private void closeOnce() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Named policies are shared between routes: close each instance once.
        Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<AutoCloseable> toClose = new ArrayList<>();
        for (CompiledRoute r : routes) {
            for (Policy p : r.chain().policies()) {
                if (seen.add(p)) {
                    toClose.add(p);
                }
            }
            if (seen.add(r.chain().backend())) {
                toClose.add(r.chain().backend());
            }
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        components.closeUnshared();
        LOG.debug("config version {} closed", version);
    }

    /** Routes by name, for the admin API. */
    public Map<String, CompiledRoute> routesByName() {
        Map<String, CompiledRoute> m = new java.util.LinkedHashMap<>();
        routes.forEach(r -> m.put(r.info().name(), r));
        return m;
    }
}
