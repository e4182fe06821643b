package dev.portcullis.spi;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client's request as the gateway sees it. Headers and body may be changed in the request
 * phase; what the backend forwards is what is here when the chain finishes.
 */
public interface Request {

    /** Upper-case method, e.g. {@code GET}. */
    String method();

    /**
     * The normalised, percent-decoded path ({@code /users/42}); the kernel has already refused
     * {@code ..} segments, encoded slashes and other ambiguous forms.
     */
    String path();

    /** The path as the client sent it, still percent-encoded. */
    String rawPath();

    /** The raw query string without '?', or an empty string. */
    String rawQuery();

    /**
     * Replaces the raw query string (without '?'; empty for none), e.g. to strip a credential
     * before the request is forwarded. {@link #queryParams()} reflects the change.
     */
    default void rawQuery(String rawQuery) {
        throw new UnsupportedOperationException("this request's query cannot be changed");
    }

    /** The decoded query parameters, in order of first appearance. */
    Map<String, List<String>> queryParams();

    /** The first value of a query parameter. */
    default Optional<String> queryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Values of a route path template, e.g. {@code id} for {@code /users/{id}}. */
    Map<String, String> pathParams();

    /** Mutable request headers (hop-by-hop headers already removed). */
    Headers headers();

    /** The request body; streams unless a policy reads it. */
    Body body();

    /** Replaces the request body (the kernel fixes Content-Length / Transfer-Encoding). */
    void body(Body body);

    /** {@code http} or {@code https}, as the client connected. */
    String scheme();

    /** The host the client asked for, without port. */
    String host();

    /** The client's address as seen on the socket. */
    InetSocketAddress remoteAddress();

    /** The client IP as text (from the socket; trusted proxies are the kernel's business). */
    String clientIp();
}
