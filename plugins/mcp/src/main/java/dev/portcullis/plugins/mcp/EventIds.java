package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event ids the gateway gives clients, so a dropped stream can be resumed with
 * {@code Last-Event-ID}: they carry the upstream's own event id per server. {@code p.} ids come
 * from the event stream answering a POST (one server: resuming reopens only that server's stream);
 * {@code g.} ids from the merged GET stream (the last id seen from each server: resuming reopens
 * every upstream's stream, each from its own position).
 */
final class EventIds {

    /** What a {@code Last-Event-ID} asks to resume. */
    record Resume(boolean post, Map<String, String> ids) {}

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private EventIds() {}

    static String post(String server, String upstreamId) {
        return "p." + encode(Map.of(server, upstreamId));
    }

    static String merged(Map<String, String> last) {
        return "g." + encode(last);
    }

    /** The resumption a header asks for, or null when absent or not made by the gateway. */
    static Resume parse(String header) {
        if (header == null || header.length() < 3 || header.length() > 8192 || header.charAt(1) != '.'
                || (header.charAt(0) != 'p' && header.charAt(0) != 'g')) {
            return null;
        }
        try {
            JsonNode o = JsonRpc.MAPPER.readTree(Base64.getUrlDecoder().decode(header.substring(2)));
            if (o == null || !o.isObject() || o.isEmpty()) {
                return null;
            }
            Map<String, String> ids = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    return null;
                }
                ids.put(e.getKey(), e.getValue().textValue());
            }
            boolean post = header.charAt(0) == 'p';
            return post && ids.size() != 1 ? null : new Resume(post, ids);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * {@code ids} as a JSON object (the bytes Jackson writes for it), in base64url. Written by hand:
     * every event relayed from a POST gets an id, and a JSON tree plus a generator per event showed
     * in profiles of {@code tools/call}.
     */
    private static String encode(Map<String, String> ids) {
        for (Map.Entry<String, String> e : ids.entrySet()) {
            if (hasSurrogate(e.getKey()) || hasSurrogate(e.getValue())) {
                return BASE64.encodeToString(JsonRpc.bytes(tree(ids))); // Jackson escapes those: keep its bytes
            }
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream(64);
        json.write('{');
        for (Map.Entry<String, String> e : ids.entrySet()) {
            if (json.size() > 1) {
                json.write(',');
            }
            string(json, e.getKey());
            json.write(':');
            if (e.getValue() == null) {
                json.writeBytes(NULL);
            } else {
                string(json, e.getValue());
            }
        }
        json.write('}');
        return BASE64.encodeToString(json.toByteArray());
    }

    private static ObjectNode tree(Map<String, String> ids) {
        ObjectNode o = JsonRpc.NODES.objectNode();
        ids.forEach(o::put);
        return o;
    }

    private static boolean hasSurrogate(String s) {
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void string(ByteArrayOutputStream json, String s) {
        json.write('"');
        json.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        json.write('"');
    }
}
