package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.Failure;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Headers;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A streamed request body of known length that fits the write buffer is read in behind the head
 * and sent with it: it arrives whole however the client's bytes trickle in, and when the body
 * fails or comes up short nothing at all reaches the upstream (the head is not sent ahead of it).
 */
class SmallBodyWriteTest {

    private final UpstreamClient client = new UpstreamClient(new UpstreamOptions(
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), 8, Duration.ofSeconds(30), 4096, null));

    @AfterEach
    void close() {
        client.close();
    }

    /** {@code bytes}, one byte per read, as a slow client sends them. */
    private static InputStream trickle(byte[] bytes) {
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[pos++];
                return 1;
            }
        };
    }

    @Test
    void aTricklingJsonBodyArrivesWholeWithItsHead() throws Exception {
        String json = "{\"to\":[\"billing@partner.test\"],\"body\":\"" + "y".repeat(4000) + "\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try (RawServer server = RawServer.http(req -> RawServer.ok(req.headers().get("content-length") + "|" + req.bodyText()))) {
            Headers headers = Headers.of("Content-Type", "application/json");
            try (UpstreamResponse r = client.send(new UpstreamRequest("POST", server.origin(), "/send", headers,
                    Body.of(trickle(bytes), bytes.length)))) {
                assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(bytes.length + "|" + json);
            }
        }
    }

    @Test
    void aShortBodySendsNothingUpstream() throws Exception {
        try (RawServer server = RawServer.http(req -> RawServer.ok("unused"))) {
            Body shortBody = Body.of(new ByteArrayInputStream("only ten b".getBytes(StandardCharsets.US_ASCII)), 100);
            assertThatThrownBy(() -> client.send(new UpstreamRequest("POST", server.origin(), "/", null, shortBody)))
                    .isInstanceOf(EOFException.class)
                    .hasMessage("request body ended after 10 of 100 bytes");
            Thread.sleep(100);
            assertThat(server.requests).isEmpty();
            assertThat(client.idleConnections(server.origin())).isZero();
        }
    }

    @Test
    void aPolicyFailureInsideASmallBodyPropagatesUnchangedAndSendsNothing() throws Exception {
        GatewayException tooLarge = new GatewayException(Failure.of(413, "body-too-large", "Body too large", "over 10 bytes"));
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw tooLarge;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw tooLarge;
            }
        };
        try (RawServer server = RawServer.http(req -> RawServer.ok("unused"))) {
            assertThatThrownBy(() -> client.send(new UpstreamRequest("POST", server.origin(), "/", null, Body.of(failing, 50))))
                    .isSameAs(tooLarge);
            Thread.sleep(100);
            assertThat(server.requests).isEmpty();
            assertThat(client.idleConnections(server.origin())).isZero();
        }
    }
}
