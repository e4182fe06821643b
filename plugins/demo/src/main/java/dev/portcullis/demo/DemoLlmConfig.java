package dev.portcullis.demo;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * Where the scripted demo model provider listens.
 *
 * @param host   bind address; loopback by default, and the demo is meant to stay there
 * @param port   port (default 9003; 0 picks a free one)
 * @param model  the one model name it serves (default {@code demo-agent-1})
 * @param apiKey when set, requests must carry {@code Authorization: Bearer <apiKey>} (as a real
 *               provider would), so the demo shows the gateway holding the provider key
 */
public record DemoLlmConfig(
        @JsonPropertyDescription("Bind address (default 127.0.0.1)") String host,
        @JsonPropertyDescription("Port (default 9003)") Integer port,
        @JsonPropertyDescription("The model name served (default demo-agent-1)") String model,
        @JsonPropertyDescription("Bearer key required from callers (default: none required)") String apiKey) implements Validatable {

    /** Fills defaults. */
    public DemoLlmConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9003 : port;
        model = model == null ? "demo-agent-1" : model;
    }

    @Override
    public void validate(ConfigErrors errors) {
        Ports.check(errors, port);
        if (model.isBlank()) {
            errors.add("model", "must not be blank");
        }
        if (apiKey != null && apiKey.isBlank()) {
            errors.add("apiKey", "must not be blank when set");
        }
    }
}
