package dev.portcullis.plugins.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.kernel.testing.TestUpstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Last-Event-ID} resumption through the gateway, against a small resumable MCP server
 * started by the test (2025-11-25 polling: it ends a tool call's event stream after a progress
 * event, before the result, and replays what follows when the client resumes with GET).
 */
class ResumptionGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> RESUMED_FROM = new CopyOnWriteArrayList<>();
    static TestUpstream server;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        server = TestUpstream.start().handle("/mcp", ResumptionGatewayTest::serve);
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tools
                    match: { path: /mcp }
                    backend: { type: mcp, servers: [ { name: poller, url: "%s/mcp" } ] }
                """.formatted(server.url()));
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

    /** The resumable server: ids e1 (progress), e2 (the result) on the call; g1, g2 on the GET stream. */
    static void serve(HttpExchange ex) throws IOException {
        String lastEventId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (ex.getRequestMethod().equals("GET")) {
            RESUMED_FROM.add(String.valueOf(lastEventId));
            if ("e1".equals(lastEventId)) {
                sse(ex, "id: e2\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"polled\"}]}}\n\n");
            } else if ("g1".equals(lastEventId)) {
                sse(ex, "id: g2\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"second\"}}\n\n");
            } else {
                sse(ex, "id: g1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"first\"}}\n\n");
            }
            return;
        }
        JsonNode m = JSON.readTree(server.received().getLast().body());
        if (!RawMcp.handshake(ex, m, "poller")) {
            // a tool call: one progress event, then the stream ends before the result (the client polls)
            sse(ex, "id: e1\nretry: 10\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                    + "{\"progressToken\":\"t\",\"progress\":1}}\n\n");
        }
    }

    static void sse(HttpExchange ex, String events) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(events.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    record Event(String id, JsonNode data) {}

    static List<Event> events(HttpResponse<String> r) throws IOException {
        List<Event> out = new ArrayList<>();
        String id = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                out.add(new Event(id, JSON.readTree(line.substring(5).strip())));
                id = null;
            }
        }
        return out;
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCallStreamEndedBeforeItsResultIsResumedAndSoIsTheGetStream() throws Exception {
        HttpResponse<String> init = send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RawMcp.INITIALIZE)));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        HttpResponse<String> call = send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Content-Type", "application/json")
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"poll\",\"arguments\":{},\"_meta\":{\"progressToken\":\"t\"}}}")));
        List<Event> first = events(call);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).data().path("method").asText()).isEqualTo("notifications/progress");
        String callEventId = first.get(0).id();
        assertThat(callEventId).startsWith("p.").doesNotContain("e1"); // the gateway's id, naming the server

        // resume: the gateway asks the one upstream for what followed e1, and relays the result
        HttpResponse<String> resumed = send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25").header("Last-Event-ID", callEventId).GET());
        assertThat(resumed.statusCode()).isEqualTo(200);
        List<Event> rest = events(resumed);
        assertThat(rest).singleElement().satisfies(e -> {
            assertThat(e.data().path("id").asInt()).isEqualTo(7);
            assertThat(e.data().path("result").path("content").get(0).path("text").asText()).isEqualTo("polled");
            assertThat(e.id()).startsWith("p.");
        });
        assertThat(RESUMED_FROM).contains("e1");

        // the merged GET stream carries g. ids; resuming it resumes each upstream from its own id
        HttpResponse<String> get = send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25").GET());
        List<Event> general = events(get);
        assertThat(general).singleElement().satisfies(e -> assertThat(e.id()).startsWith("g."));
        HttpResponse<String> again = send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25")
                .header("Last-Event-ID", general.get(0).id()).GET());
        assertThat(events(again)).singleElement().satisfies(e -> assertThat(e.data().path("params").path("data").asText()).isEqualTo("second"));
        assertThat(RESUMED_FROM).containsSubsequence("e1", "null", "g1");

        // an id the gateway did not make starts a fresh stream
        HttpResponse<String> foreign = send(HttpRequest.newBuilder(gateway.uri("/mcp")).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25").header("Last-Event-ID", "e1").GET());
        assertThat(events(foreign)).singleElement().satisfies(e -> assertThat(e.data().path("params").path("data").asText()).isEqualTo("first"));
    }
}
