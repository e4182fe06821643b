package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How an upstream's event stream answering one request reaches the client: as one JSON message
 * when its first event is the answer, as events when something comes before it, and as a
 * JSON-RPC error when the stream fails or ends without an answer. Against a raw server started by
 * the test, so each stream is exactly what the case needs.
 */
class EventAnswerGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static TestUpstream server;
    static TestGateway gateway;
    static String session;

    @BeforeAll
    static void start() throws Exception {
        server = TestUpstream.start().handle("/mcp", EventAnswerGatewayTest::serve);
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    backend: { type: mcp, servers: [ { name: raw, url: "%s/mcp" } ] }
                """.formatted(server.url()));
        session = send(null, RawMcp.INITIALIZE).headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Tools: {@code quick} answers at once, {@code slow} sends progress first, {@code mute} ends without an answer. */
    static void serve(HttpExchange ex) throws IOException {
        JsonNode m = JSON.readTree(server.received().getLast().body());
        if (RawMcp.handshake(ex, m, "raw")) {
            return;
        }
        String result = "data: {\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]},\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + "}\n\n";
        String events = switch (m.path("params").path("name").asText()) {
            case "quick" -> "id: e1\nevent: message\n" + result;
            case "slow" -> "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":\"t\",\"progress\":1}}\n\n"
                    + result;
            case "other-id" -> "data: {\"jsonrpc\":\"2.0\",\"id\":\"not-yours\",\"result\":{}}\n\n" + result;
            default -> ": nothing to say\n\n";
        };
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        ex.getResponseBody().write(events.getBytes(StandardCharsets.UTF_8));
        ex.close();
    }

    static HttpResponse<String> send(String sessionId, String body) throws Exception {
        return RawMcp.post(HTTP, gateway.uri("/mcp"), sessionId, body);
    }

    static HttpResponse<String> call(Object id, String tool) throws Exception {
        return send(session, "{\"jsonrpc\":\"2.0\",\"id\":" + JSON.writeValueAsString(id)
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}");
    }

    @Test
    void aStreamWhoseFirstEventIsTheAnswerIsAnsweredAsOneJsonMessage() throws Exception {
        for (Object id : new Object[] {7, "seven"}) {
            HttpResponse<String> r = call(id, "quick");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.headers().firstValue("Content-Length")).isPresent();
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.get("id")).isEqualTo(JSON.valueToTree(id));
            assertThat(answer.path("result").path("content").get(0).path("text").asText()).isEqualTo("done");
        }
    }

    @Test
    void eventsBeforeTheAnswerKeepTheStreamAndNothingIsLost() throws Exception {
        for (String tool : new String[] {"slow", "other-id"}) {
            HttpResponse<String> r = call(8, tool);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
            String[] data = r.body().lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip()).toArray(String[]::new);
            assertThat(data).hasSize(2);
            assertThat(JSON.readTree(data[1]).path("id").asInt()).isEqualTo(8);
            assertThat(JSON.readTree(data[1]).path("result").path("content").get(0).path("text").asText()).isEqualTo("done");
        }
    }

    @Test
    void aStreamThatEndsWithoutAnAnswerIsAGatewayErrorForThatRequest() throws Exception {
        HttpResponse<String> r = call(9, "mute");
        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.path("id").asInt()).isEqualTo(9);
        assertThat(error.path("error").path("code").asInt()).isEqualTo(JsonRpc.GATEWAY_ERROR);
        assertThat(error.path("error").path("message").asText()).contains("without an answer");
        // and the session goes on
        assertThat(JSON.readTree(call(10, "quick").body()).path("id").asInt()).isEqualTo(10);
    }
}
