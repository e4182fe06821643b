package dev.portcullis.kernel.server;

import dev.portcullis.kernel.chain.Problems;
import dev.portcullis.spi.Failure;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers the errors Helidon detects before any handler runs (oversized headers or body, a
 * malformed request line, bad headers) as problem+json, like every other gateway error, without
 * echoing the offending input.
 */
public final class ProblemDirectHandler implements DirectHandler {

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
            ServerResponseHeaders headers, String message) {
        int code = status.code();
        String lower = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        if (code == 400 && lower.contains("header") && (lower.contains("size") || lower.contains("large") || lower.contains("long"))) {
            // Helidon reports oversized header sections as a plain bad request ("Header size exceeded",
            // seen only with errorHandling.includeEntity); RFC 6585 has a code for it
            code = 431;
            status = Status.create(431, "Request Header Fields Too Large");
        } else if (code == 400 && lower.contains("prologue") && (lower.contains("long") || lower.contains("size"))) {
            code = 414;
            status = Status.create(414, "URI Too Long");
        }
        String problem = switch (code) {
            case 413 -> "body-too-large";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 503 -> "overloaded";
            case 505 -> "http-version-not-supported";
            default -> code >= 500 ? "internal-error" : "bad-request";
        };
        String detail = switch (eventType) {
            case BAD_REQUEST -> code == 431 ? "the request headers are larger than the gateway accepts"
                    : code == 414 ? "the request line is longer than the gateway accepts"
                    : code == 413 ? "the request body is larger than the gateway accepts"
                    : "the request is malformed";
            case PAYLOAD_TOO_LARGE -> "the request body is larger than the gateway accepts";
            case OTHER -> code == 431 ? "the request headers are larger than the gateway accepts"
                    : code == 503 ? "too many concurrent requests" : "the request could not be processed";
            default -> code == 505 ? "only HTTP/1.1 is served" : status.reasonPhrase();
        };
        String json = Problems.json(Failure.of(code, problem, status.reasonPhrase(), detail), null, null);
        headers.set(HeaderNames.CONTENT_TYPE, "application/problem+json");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(json)
                .build();
    }
}
