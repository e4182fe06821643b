package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * Ids of requests that upstream servers send to the client (sampling, elicitation, roots, ping).
 * Upstreams pick their ids independently, so the gateway rewrites each to
 * {@code <server>/<original id as JSON>} on the way out and restores it when the client answers.
 */
final class ServerRequests {

    /** A client response mapped back to its upstream. */
    record Origin(String server, JsonNode id) {}

    private ServerRequests() {}

    /** {@code data} with any server-to-client request id rewritten; unchanged when there is none. */
    static String outbound(String server, String data) {
        if (data.indexOf("\"method\"") < 0 || data.indexOf("\"id\"") < 0) {
            return data; // responses and notifications pass untouched, unparsed
        }
        JsonNode node;
        try {
            node = JsonRpc.MAPPER.readTree(data);
        } catch (IOException e) {
            return data;
        }
        if (node == null) {
            return data;
        }
        boolean changed = false;
        if (node.isArray()) {
            for (JsonNode m : node) {
                changed |= rewrite(server, m);
            }
        } else {
            changed = rewrite(server, node);
        }
        return changed ? node.toString() : data;
    }

    private static boolean rewrite(String server, JsonNode m) {
        if (JsonRpc.kind(m) != JsonRpc.Kind.REQUEST) {
            return false;
        }
        ((ObjectNode) m).set("id", TextNode.valueOf(server + "/" + m.get("id").toString()));
        return true;
    }

    /** Where a client's response belongs, or null if its id was not made by {@link #outbound}. */
    static Origin inbound(JsonNode id) {
        if (id == null || !id.isTextual()) {
            return null;
        }
        String s = id.textValue();
        int slash = s.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        try {
            JsonNode original = JsonRpc.MAPPER.readTree(s.substring(slash + 1));
            return original != null && JsonRpc.validId(original) ? new Origin(s.substring(0, slash), original) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
