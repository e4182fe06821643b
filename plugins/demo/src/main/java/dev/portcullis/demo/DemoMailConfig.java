package dev.portcullis.demo;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Where the demo mail API listens and how much it remembers.
 *
 * @param host       bind address; loopback by default, and the demo is meant to stay there
 * @param port       port (default 9005; 0 picks a free one)
 * @param outboxSize how many sent mails {@code GET /outbox} keeps (oldest dropped first)
 */
public record DemoMailConfig(
        @JsonPropertyDescription("Bind address (default 127.0.0.1)") String host,
        @JsonPropertyDescription("Port (default 9005)") Integer port,
        @JsonPropertyDescription("Sent mails kept for GET /outbox (default 100)") Integer outboxSize) implements Validatable {

    /** Fills defaults. */
    public DemoMailConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9005 : port;
        outboxSize = outboxSize == null ? 100 : outboxSize;
    }

    @Override
    public void validate(ConfigErrors errors) {
        Ports.check(errors, port);
        if (outboxSize < 1 || outboxSize > 10_000) {
            errors.add("outboxSize", "must be between 1 and 10000");
        }
    }
}
