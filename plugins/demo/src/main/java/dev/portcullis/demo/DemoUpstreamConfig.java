package dev.portcullis.demo;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Where the demo API listens.
 *
 * @param host bind address; loopback by default, and the demo is meant to stay there
 * @param port port (default 9001; 0 picks a free one)
 */
public record DemoUpstreamConfig(String host, Integer port) implements Validatable {

    /** Fills defaults. */
    public DemoUpstreamConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9001 : port;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (port < 0 || port > 65535) {
            errors.add("port", "must be between 0 and 65535");
        }
    }
}
