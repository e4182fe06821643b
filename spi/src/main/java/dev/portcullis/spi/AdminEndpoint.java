package dev.portcullis.spi;

/**
 * Implemented by a {@link Policy}, {@link Backend} or component that gives operators an API of its
 * own on the admin listener (loopback by default): approving a pinned tool, invalidating a cache,
 * reading spend. Unlike {@link AdminResource} it may change state, so it sees the method and body.
 *
 * <p>The kernel serves a route's policies and backend at
 * {@code /api/routes/<route>/admin/<name>[/<rest>]} and a component at
 * {@code /api/components/<component>[/<rest>]}; {@code GET /api/endpoints} lists them all.
 * Handlers run on the admin listener's threads, never on the data path.
 */
public interface AdminEndpoint {

    /** The endpoint's name in the URL, {@code [a-z0-9-]+}, e.g. {@code pins}. */
    String adminEndpointName();

    /**
     * Handles one admin request. Answer JSON ({@link Response#json}); an unknown path or method is
     * a 404 or 405 with a JSON {@code error} message.
     */
    Response handleAdmin(AdminRequest request);
}
