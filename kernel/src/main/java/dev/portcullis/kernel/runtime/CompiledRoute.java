package dev.portcullis.kernel.runtime;

import dev.portcullis.kernel.chain.PolicyChain;
import dev.portcullis.spi.RouteInfo;

/**
 * A route ready to serve: its identity, its policy chain and backend, and its metrics.
 *
 * @param info    name and backend type, as exposed to policies
 * @param chain   policies and backend
 * @param metrics the route's request metrics, created once
 */
public record CompiledRoute(RouteInfo info, PolicyChain chain, RouteMetrics metrics) {

    /** The admin resources the route's policies and backend publish, by name (first one wins). */
    public java.util.Map<String, dev.portcullis.spi.AdminResource> adminResources() {
        java.util.Map<String, dev.portcullis.spi.AdminResource> out = new java.util.LinkedHashMap<>();
        java.util.List<Object> parts = new java.util.ArrayList<>(chain.policies());
        parts.add(chain.backend());
        for (Object part : parts) {
            if (LoaderScoped.unwrap(part) instanceof dev.portcullis.spi.AdminResource r) {
                out.putIfAbsent(r.adminResourceName(), r);
            }
        }
        return out;
    }

    /** The admin endpoints the route's policies and backend offer, by name (first one wins). */
    public java.util.Map<String, dev.portcullis.spi.AdminEndpoint> adminEndpoints() {
        java.util.Map<String, dev.portcullis.spi.AdminEndpoint> out = new java.util.LinkedHashMap<>();
        java.util.List<Object> parts = new java.util.ArrayList<>(chain.policies());
        parts.add(chain.backend());
        for (Object part : parts) {
            if (LoaderScoped.unwrap(part) instanceof dev.portcullis.spi.AdminEndpoint e) {
                out.putIfAbsent(e.adminEndpointName(), e);
            }
        }
        return out;
    }
}
