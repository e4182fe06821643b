package dev.portcullis.kernel.chain;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Response;

/** RFC 9457 {@code application/problem+json} rendering of {@link Failure}s. */
public final class Problems {

    /** The problem type prefix: {@code urn:portcullis:problem:<code>}. */
    public static final String TYPE_PREFIX = "urn:portcullis:problem:";

    private Problems() {}

    /** A problem+json response for {@code failure}, with the failure's extra headers. */
    public static Response response(Failure failure, String instance, String requestId) {
        String json = json(failure, instance, requestId);
        Headers headers = Headers.copyOf(failure.headers());
        headers.set("Content-Type", "application/problem+json");
        return new Response(failure.status(), headers, Body.of(json));
    }

    /** The problem document as JSON text. */
    public static String json(Failure failure, String instance, String requestId) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"type\":");
        Json.quote(sb, TYPE_PREFIX + failure.code());
        sb.append(",\"title\":");
        Json.quote(sb, failure.title());
        sb.append(",\"status\":").append(failure.status());
        if (failure.detail() != null) {
            sb.append(",\"detail\":");
            Json.quote(sb, failure.detail());
        }
        if (instance != null) {
            sb.append(",\"instance\":");
            Json.quote(sb, instance);
        }
        if (requestId != null) {
            sb.append(",\"requestId\":");
            Json.quote(sb, requestId);
        }
        return sb.append('}').toString();
    }
}
