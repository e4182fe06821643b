package dev.portcullis.plugins.llm;

import dev.portcullis.spi.Response;
import dev.portcullis.spi.llm.ChatRequest;
import dev.portcullis.spi.llm.ChatResponse;
import java.util.List;

/** One client-facing wire format (OpenAI Chat Completions or Anthropic Messages). */
interface ClientFormat {

    /** A request as the client sent it: the canonical request plus client-only wishes. */
    record ClientRequest(ChatRequest chat, boolean includeUsage) {}

    /**
     * Reads a client request body.
     *
     * @throws IllegalArgumentException with a message for the client when it is invalid
     */
    ClientRequest readRequest(byte[] body);

    /** The JSON body answering {@code request} with {@code response}. */
    byte[] writeResponse(ChatResponse response, ClientRequest request);

    /** A new encoder for one streamed answer to {@code request}. */
    StreamEncoder streamEncoder(ClientRequest request);

    /** An error response in this format; {@code code} is a stable machine code or null. */
    Response error(int status, String code, String message);

    /** The JSON body listing the public model names. */
    byte[] models(List<String> aliases);
}
