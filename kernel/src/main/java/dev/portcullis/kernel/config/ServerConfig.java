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
 */
public record ServerConfig(
        String host,
        Integer port,
        AdminConfig admin,
        LimitsConfig limits,
        Duration shutdownGracePeriod,
        Boolean watchConfig,
        AccessLogConfig accessLog) {

    /** Fills defaults. */
    public ServerConfig {
        host = host == null ? "0.0.0.0" : host;
        port = port == null ? 8080 : port;
        admin = admin == null ? new AdminConfig(null, null, null) : admin;
        limits = limits == null ? new LimitsConfig(null, null, null) : limits;
        shutdownGracePeriod = shutdownGracePeriod == null ? Duration.ofSeconds(30) : shutdownGracePeriod;
        watchConfig = watchConfig == null ? Boolean.TRUE : watchConfig;
        accessLog = accessLog == null ? new AccessLogConfig(null, null) : accessLog;
    }

    /** All defaults. */
    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null);
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
     */
    public record LimitsConfig(DataSize maxHeaderSize, DataSize maxRequestBody, Integer maxConcurrentRequests) {
        /** Fills defaults. */
        public LimitsConfig {
            maxHeaderSize = maxHeaderSize == null ? DataSize.parse("16KiB") : maxHeaderSize;
            maxRequestBody = maxRequestBody == null ? DataSize.parse("10MiB") : maxRequestBody;
            maxConcurrentRequests = maxConcurrentRequests == null ? -1 : maxConcurrentRequests;
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
}
