package dev.portcullis.upstream;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import java.util.Objects;

/**
 * One request to send upstream.
 *
 * <p>{@code headers} are sent as given, except that the client writes {@code Host} first (from
 * the headers, else {@link Origin#authority()}) and frames the body itself: any
 * {@code Content-Length} or {@code Transfer-Encoding} in {@code headers} is ignored. Hop-by-hop
 * headers are the caller's business (see {@link HopByHop}).
 *
 * @param method  upper-case method
 * @param origin  where to connect
 * @param target  the request target: raw path plus optional {@code ?query}, already encoded
 * @param headers headers to send
 * @param body    the body; {@link Body#empty()} for none. A streamed body is read once.
 */
public record UpstreamRequest(String method, Origin origin, String target, Headers headers, Body body) {

    /** Checks required parts; a null body becomes empty. */
    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(target, "target");
        headers = headers == null ? new Headers(4) : headers;
        body = body == null ? Body.empty() : body;
    }

    /** Whether the request can be sent again: no body, or a body held in memory. */
    public boolean replayable() {
        return body.isEmpty() || body.isBuffered();
    }
}
