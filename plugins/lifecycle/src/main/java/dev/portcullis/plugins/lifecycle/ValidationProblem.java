package dev.portcullis.plugins.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Response;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An RFC 9457 problem document with a {@code violations} extension member listing each
 * {@link Violation}. Built here because a {@link dev.portcullis.spi.Failure} cannot carry extension
 * members; the standard members match the kernel's rendering ({@code type}
 * {@code urn:portcullis:problem:<code>}, {@code title}, {@code status}, {@code detail},
 * {@code instance}, {@code requestId}).
 */
final class ValidationProblem {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ValidationProblem() {}

    static Response response(Exchange exchange, int status, String code, String title, String detail,
            List<Violation> violations) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("type", "urn:portcullis:problem:" + code);
        doc.put("title", title);
        doc.put("status", status);
        doc.put("detail", detail);
        doc.put("instance", exchange.request().path());
        doc.put("requestId", exchange.requestId());
        ArrayNode list = doc.putArray("violations");
        for (Violation v : violations) {
            list.addObject().put("location", v.location()).put("pointer", v.pointer()).put("message", v.message());
        }
        try {
            return new Response(status, Headers.of("Content-Type", "application/problem+json"),
                    Body.of(JSON.writeValueAsBytes(doc)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code detail} line: what was checked and how many violations (the list is in {@code violations}). */
    static String summary(String what, List<Violation> violations) {
        StringBuilder sb = new StringBuilder(what).append(" does not match the API description: ");
        sb.append(violations.size()).append(violations.size() == 1 ? " violation" : " violations");
        return sb.toString();
    }
}
