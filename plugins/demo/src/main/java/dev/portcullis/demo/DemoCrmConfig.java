package dev.portcullis.demo;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Where the demo CRM API listens.
 *
 * @param host bind address; loopback by default, and the demo is meant to stay there
 * @param port port (default 9004; 0 picks a free one)
 */
public record DemoCrmConfig(
        @JsonPropertyDescription("Bind address (default 127.0.0.1)") String host,
        @JsonPropertyDescription("Port (default 9004)") Integer port) implements Validatable {

    /** Fills defaults. */
    public DemoCrmConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9004 : port;
    }

    @Override
    public void validate(ConfigErrors errors) {
        Ports.check(errors, port);
    }
}
