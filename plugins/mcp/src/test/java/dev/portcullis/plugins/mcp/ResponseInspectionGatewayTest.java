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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defense in depth across gates: the API gate's {@code inspect} policy, in its response phase, reads
 * the tool results of an MCP route. The upstream answers each call with an event stream whose only
 * event is the result (as server-everything and the TypeScript SDK do); the gateway turns that into
 * one JSON message, which the policy then redacts or refuses. A refusal is a JSON-RPC error that
 * carries the id of the call, so the client's pending request ends with it.
 */
class ResponseInspectionGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CARD = "4111 1111 1111 1111";
    static TestUpstream server;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        server = TestUpstream.start().handle("/mcp", ResponseInspectionGatewayTest::serve);
        String backend = "backend: { type: mcp, servers: [ { name: crm, url: \"%s/mcp\" } ] }".formatted(server.url());
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: redact
                    match: { path: /redact }
                    policies: [ { type: inspect, phase: response, action: redact, rules: [ { name: no-cards, when: [ { detector: payment-card } ] } ] } ]
                    %s
                  - name: block
                    match: { path: /block }
                    policies: [ { type: inspect, phase: response, action: block, rules: [ { name: no-cards, when: [ { detector: payment-card } ] } ] } ]
                    %s
                """.formatted(backend, backend));
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

    /** Tool {@code card} answers with a card number in its text, any other tool with plain text. */
    static void serve(HttpExchange ex) throws IOException {
        JsonNode m = JSON.readTree(server.received().getLast().body());
        if (RawMcp.handshake(ex, m, "crm")) {
            return;
        }
        String text = m.path("params").path("name").asText().equals("card") ? "Jane pays with " + CARD : "Jane pays by invoice";
        RawMcp.write(ex, "text/event-stream", "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + m.get("id")
                + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}}\n\n");
    }

    static HttpResponse<String> send(String path, String session, String body) throws Exception {
        return RawMcp.post(HTTP, gateway.uri(path), session, body);
    }

    /** Initializes a session on {@code path} and calls {@code tool} in it as request {@code id}. */
    static HttpResponse<String> call(String path, int id, String tool) throws Exception {
        String session = send(path, null, RawMcp.INITIALIZE).headers().firstValue("Mcp-Session-Id").orElseThrow();
        return send(path, session, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}");
    }

    static String text(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body()).path("result").path("content").get(0).path("text").asText();
    }

    @Test
    void aCardNumberInAToolResultIsRedactedOnItsWayToTheAgent() throws Exception {
        HttpResponse<String> r = call("/redact", 5, "card");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(CARD);
        assertThat(text(r)).isEqualTo("Jane pays with [REDACTED:payment-card]");
        assertThat(JSON.readTree(r.body()).path("id").asInt()).isEqualTo(5);
    }

    @Test
    void aBlockingRuleAnswersTheCallWithAJsonRpcErrorCarryingItsId() throws Exception {
        HttpResponse<String> r = call("/block", 6, "card");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).doesNotContain(CARD);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.path("id").asInt()).isEqualTo(6);
        assertThat(error.path("error").path("code").asInt()).isEqualTo(JsonRpc.GATEWAY_ERROR);
        assertThat(error.path("error").path("data").path("type").asText()).isEqualTo("urn:portcullis:problem:content-blocked");
    }

    @Test
    void aResultWithoutACardPassesUntouched() throws Exception {
        for (String path : new String[] {"/redact", "/block"}) {
            HttpResponse<String> r = call(path, 7, "invoice");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(text(r)).isEqualTo("Jane pays by invoice");
        }
    }
}
