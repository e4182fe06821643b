package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.spi.EventSource;

/** What handling one JSON-RPC request produced. */
sealed interface Outcome {

    /** A complete message made by the gateway, sent with {@code httpStatus}. */
    record Json(JsonNode message, int httpStatus) implements Outcome {}

    /** An upstream's JSON answer, relayed as it streams in. */
    record Passthrough(Upstream.Reply reply) implements Outcome {}

    /** An upstream's event stream, relayed event by event. */
    record Events(EventSource events) implements Outcome {}

    static Outcome ok(JsonNode message) {
        return new Json(message, 200);
    }
}
