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
        String problem = switch (code) {
            case 413 -> "body-too-large";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 503 -> "overloaded";
            default -> code >= 500 ? "internal-error" : "bad-request";
        };
        String detail = switch (eventType) {
            case BAD_REQUEST -> "the request is malformed";
            case PAYLOAD_TOO_LARGE -> "the request body is larger than the gateway accepts";
            case OTHER -> code == 431 ? "the request headers are larger than the gateway accepts"
                    : code == 503 ? "too many concurrent requests" : "the request could not be processed";
            default -> status.reasonPhrase();
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
