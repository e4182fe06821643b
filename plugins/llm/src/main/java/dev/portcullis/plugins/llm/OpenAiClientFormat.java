package dev.portcullis.plugins.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.llm.ChatResponse;
import java.time.Clock;
import java.util.List;

/** The OpenAI Chat Completions API as clients see it ({@code POST .../chat/completions}). */
final class OpenAiClientFormat implements ClientFormat {

    private final Clock clock;

    OpenAiClientFormat(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ClientRequest readRequest(byte[] body) {
        JsonNode root = Json.parse(body);
        return new ClientRequest(OpenAiWire.readRequest(root), OpenAiWire.includeUsage(root));
    }

    @Override
    public byte[] writeResponse(ChatResponse response, ClientRequest request) {
        return OpenAiWire.writeResponse(response, request.chat().model(), clock.millis() / 1000);
    }

    @Override
    public StreamEncoder streamEncoder(ClientRequest request) {
        return new OpenAiStreamEncoder(request.chat().model(), request.includeUsage(), clock.millis() / 1000);
    }

    @Override
    public Response error(int status, String code, String message) {
        return Response.json(status, Json.write(OpenAiWire.error(status, code, message)));
    }

    @Override
    public byte[] models(List<String> aliases) {
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String a : aliases) {
            data.addObject().put("id", a).put("object", "model").put("created", 0).put("owned_by", "portcullis");
        }
        return Json.bytes(root);
    }
}
