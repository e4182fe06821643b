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
public record CompiledRoute(RouteInfo info, PolicyChain chain, RouteMetrics metrics) {}
