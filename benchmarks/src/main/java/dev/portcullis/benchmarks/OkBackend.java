package dev.portcullis.benchmarks;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Response;
import java.nio.charset.StandardCharsets;

/**
 * Answers every request with a new small 200 JSON response (an upstream call produces a new one
 * each time, and response-phase policies write headers into it), so the policy benchmarks measure
 * the policies around it, not a socket.
 */
public final class OkBackend implements Backend {

    private static final byte[] BODY = "{\"id\":42,\"status\":\"shipped\"}".getBytes(StandardCharsets.UTF_8);

    @Override
    public Response handle(Exchange exchange) {
        return Response.of(200, "application/json", Body.of(BODY));
    }
}
