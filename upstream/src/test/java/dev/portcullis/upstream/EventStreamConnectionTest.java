package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connection gives up its request buffer while it reads an event stream (thousands of idle
 * streams should not each hold one) and gets a new one for its next request: the same pooled
 * connection then carries a request with a body, byte for byte.
 */
class EventStreamConnectionTest {

    @Test
    void aConnectionThatCarriedAnEventStreamCarriesTheNextRequestWithItsBody() throws Exception {
        try (UpstreamClient client = new UpstreamClient(new UpstreamOptions(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(2), 8, Duration.ofSeconds(30), 4096, null));
                RawServer server = RawServer.http(req -> req.method().equals("GET")
                        ? "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "d\r\ndata: first\n\n\r\n0\r\n\r\n"
                        : RawServer.ok("got " + req.bodyText()))) {
            try (UpstreamResponse events = client.send(new UpstreamRequest("GET", server.origin(), "/events", new Headers(), Body.empty()))) {
                assertThat(new String(events.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("data: first\n\n");
            }
            String json = "{\"to\":\"someone@example.com\",\"text\":\"" + "x".repeat(3000) + "\"}";
            Headers headers = new Headers();
            headers.add("Content-Type", "application/json");
            try (UpstreamResponse r = client.send(new UpstreamRequest("POST", server.origin(), "/send", headers,
                    Body.of(json.getBytes(StandardCharsets.UTF_8))))) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("got " + json);
            }
            assertThat(server.accepted()).as("one connection for both").isEqualTo(1);
            assertThat(server.requests.get(1).headers()).containsEntry("content-type", "application/json");
        }
    }
}
