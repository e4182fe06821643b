package dev.portcullis.kernel.config;

import dev.portcullis.spi.DataSize;
import java.time.Duration;

/**
 * The {@code server:} section.
 *
 * @param host                 the address the gateway listener binds (default all interfaces)
 * @param port                 the gateway port (default 8080; 0 picks a free one)
 * @param admin                the admin listener
 * @param limits               request size limits
 * @param shutdownGracePeriod  how long SIGTERM waits for in-flight requests (default 30s)
 * @param watchConfig          reload when the config file changes (default true)
 * @param accessLog            the JSON access log
 * @param tracing              OpenTelemetry tracing (off unless an OTLP endpoint is set); read at start
 */
public record ServerConfig(
        String host,
        Integer port,
        AdminConfig admin,
        LimitsConfig limits,
        Duration shutdownGracePeriod,
        Boolean watchConfig,
        AccessLogConfig accessLog,
        TracingConfig tracing) {

    /** Fills defaults. */
    public ServerConfig {
        host = host == null ? "0.0.0.0" : host;
        port = port == null ? 8080 : port;
        admin = admin == null ? new AdminConfig(null, null, null) : admin;
        limits = limits == null ? new LimitsConfig(null, null, null, null, null) : limits;
        shutdownGracePeriod = shutdownGracePeriod == null ? Duration.ofSeconds(30) : shutdownGracePeriod;
        watchConfig = watchConfig == null ? Boolean.TRUE : watchConfig;
        accessLog = accessLog == null ? new AccessLogConfig(null, null) : accessLog;
        tracing = tracing == null ? new TracingConfig(null, null, null, null) : tracing;
    }

    /** All defaults. */
    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null);
    }

    /**
     * The admin listener: health, readiness, metrics and the admin API. Loopback by default.
     *
     * @param enabled whether it runs (default true)
     * @param host    bind address (default 127.0.0.1)
     * @param port    port (default 8081; 0 picks a free one)
     */
    public record AdminConfig(Boolean enabled, String host, Integer port) {
        /** Fills defaults. */
        public AdminConfig {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            host = host == null ? "127.0.0.1" : host;
            port = port == null ? 8081 : port;
        }
    }

    /**
     * Request limits enforced by the listener before any route runs.
     *
     * @param maxHeaderSize   request line plus headers (default 16KiB) → 431
     * @param maxRequestBody  request body (default 10MiB) → 413
     * @param maxConcurrentRequests requests in flight before new ones get 503 (default unlimited: -1)
     * @param headerTimeout   how long the headers may take once the request line has arrived
     *                        (default 10s) → 408 and the connection is closed (slowloris)
     * @param idleTimeout     how long a connection may wait for, or trickle, its next request line
     *                        (default 60s) → closed; checked about every quarter of it
     */
    public record LimitsConfig(DataSize maxHeaderSize, DataSize maxRequestBody, Integer maxConcurrentRequests,
            Duration headerTimeout, Duration idleTimeout) implements dev.portcullis.spi.Validatable {
        /** Fills defaults. */
        public LimitsConfig {
            maxHeaderSize = maxHeaderSize == null ? DataSize.parse("16KiB") : maxHeaderSize;
            maxRequestBody = maxRequestBody == null ? DataSize.parse("10MiB") : maxRequestBody;
            maxConcurrentRequests = maxConcurrentRequests == null ? -1 : maxConcurrentRequests;
            headerTimeout = headerTimeout == null ? Duration.ofSeconds(10) : headerTimeout;
            idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        }

        @Override
        public void validate(dev.portcullis.spi.ConfigErrors errors) {
            if (headerTimeout.toMillis() < 100) {
                errors.add("headerTimeout", "must be at least 100ms");
            }
            if (idleTimeout.toSeconds() < 1) {
                errors.add("idleTimeout", "must be at least 1s");
            }
        }
    }

    /**
     * One JSON line per request.
     *
     * @param enabled default true
     * @param file    a file to append to; standard output when absent
     */
    public record AccessLogConfig(Boolean enabled, String file) {
        /** Fills defaults. */
        public AccessLogConfig {
            enabled = enabled == null ? Boolean.TRUE : enabled;
        }
    }

    /**
     * OpenTelemetry tracing: a server span per request and client spans per upstream call
     * (GenAI and MCP semantic conventions), each with {@code portcullis.correlation_id}.
     *
     * @param otlpEndpoint the OTLP/HTTP traces URL, e.g. {@code http://127.0.0.1:4318/v1/traces}; off when absent
     * @param serviceName  {@code service.name} (default {@code portcullis})
     * @param sampleRatio  the share of new traces recorded, 0–1 (default 1); a client's sampled flag is followed
     * @param exportDelay  how long spans wait to be exported in a batch (default 2s)
     */
    public record TracingConfig(String otlpEndpoint, String serviceName, Double sampleRatio, Duration exportDelay)
            implements dev.portcullis.spi.Validatable {
        /** Fills defaults. */
        public TracingConfig {
            serviceName = serviceName == null ? "portcullis" : serviceName;
            sampleRatio = sampleRatio == null ? 1.0 : sampleRatio;
            exportDelay = exportDelay == null ? Duration.ofSeconds(2) : exportDelay;
        }

        @Override
        public void validate(dev.portcullis.spi.ConfigErrors errors) {
            if (sampleRatio < 0 || sampleRatio > 1) {
                errors.add("sampleRatio", "must be between 0 and 1");
            }
            if (otlpEndpoint != null && !otlpEndpoint.matches("https?://.+")) {
                errors.add("otlpEndpoint", "must be an http or https URL");
            }
        }
    }
}
