package dev.portcullis.kernel.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named shared components of one config (stores, embedders, demo services, ...). A component
 * whose config did not change across a reload is carried over, not rebuilt: a Redis connection or
 * an ONNX session survives a reload that only touched a route.
 */
public final class Components {

    private static final Logger LOG = LoggerFactory.getLogger(Components.class);

    /** One built component and the config it was built from. */
    public record Built(String section, String name, String type, JsonNode config, Class<?> api, Object instance) {}

    private final Map<String, Built> byKey = new LinkedHashMap<>();
    private final Map<String, Boolean> handedOver = new LinkedHashMap<>();

    private static String key(Class<?> api, String name) {
        return api.getName() + "#" + name;
    }

    /** Adds a built component. */
    public void add(Built b) {
        byKey.put(key(b.api(), b.name()), b);
    }

    /** The component of interface {@code api} named {@code name}. */
    public <T> Optional<T> find(Class<T> api, String name) {
        Built b = byKey.get(key(api, name));
        return b == null ? Optional.empty() : Optional.of(api.cast(b.instance()));
    }

    /** The built component to reuse, if {@code previous} has one with the same section, name and config. */
    public static Optional<Built> reusable(Components previous, String section, String name, JsonNode config) {
        if (previous == null) {
            return Optional.empty();
        }
        for (Built b : previous.byKey.values()) {
            if (b.section().equals(section) && b.name().equals(name) && b.config().equals(config)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Marks {@code b} as now owned by a newer config, so closing this one leaves it open. */
    public void handOver(Built b) {
        handedOver.put(key(b.api(), b.name()), Boolean.TRUE);
    }

    /** All components, for the admin API. */
    public Iterable<Built> all() {
        return byKey.values();
    }

    /** Closes every component not handed over to a newer config. */
    public void closeUnshared() {
        byKey.forEach((k, b) -> {
            if (!handedOver.containsKey(k) && b.instance() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing component {} failed: {}", b.name(), e.toString());
                }
            }
        });
    }
}
