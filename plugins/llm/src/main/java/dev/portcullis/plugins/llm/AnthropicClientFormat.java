package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.llm.ChatResponse;
import java.util.List;

/** The Anthropic Messages API as clients see it ({@code POST .../messages}). */
final class AnthropicClientFormat implements ClientFormat {

    @Override
    public ClientRequest readRequest(byte[] body) {
        return new ClientRequest(AnthropicWire.readRequest(Json.parse(body)), false);
    }

    @Override
    public byte[] writeResponse(ChatResponse response, ClientRequest request) {
        return Json.bytes(AnthropicWire.writeResponse(response, request.chat().model()));
    }

    @Override
    public StreamEncoder streamEncoder(ClientRequest request) {
        return new AnthropicStreamEncoder(request.chat().model());
    }

    @Override
    public Response error(int status, String code, String message) {
        return Response.json(status, Json.write(AnthropicWire.error(status, message)));
    }

    @Override
    public byte[] models(List<String> aliases) {
        ObjectNode root = Json.object();
        ArrayNode data = root.putArray("data");
        for (String a : aliases) {
            data.addObject().put("type", "model").put("id", a).put("display_name", a).put("created_at", "1970-01-01T00:00:00Z");
        }
        root.put("has_more", false);
        if (aliases.isEmpty()) {
            root.putNull("first_id").putNull("last_id");
        } else {
            root.put("first_id", aliases.get(0)).put("last_id", aliases.get(aliases.size() - 1));
        }
        return Json.bytes(root);
    }
}
