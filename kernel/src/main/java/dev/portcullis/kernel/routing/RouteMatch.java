package dev.portcullis.kernel.routing;

import java.util.Map;

/**
 * A routing result.
 *
 * @param <R>        the routed payload (the compiled route)
 * @param route      what matched
 * @param pathParams template values, empty for exact and prefix routes
 */
public record RouteMatch<R>(R route, Map<String, String> pathParams) {}
