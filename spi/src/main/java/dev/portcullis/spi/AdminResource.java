package dev.portcullis.spi;

/**
 * Implemented by a {@link Policy} or {@link Backend} that publishes a read-only document on the
 * admin listener (loopback by default), e.g. an OpenAPI spec for developers. The kernel serves it
 * at {@code GET /api/routes/<route>/resources/<name>}; {@code GET /api/routes/<route>/resources}
 * lists the names.
 */
public interface AdminResource {

    /** The resource's name in the URL, e.g. {@code openapi}; {@code [a-z0-9-]+}. */
    String adminResourceName();

    /** The document: a response with its content type; built on request, not on the hot path. */
    Response adminResource();
}
