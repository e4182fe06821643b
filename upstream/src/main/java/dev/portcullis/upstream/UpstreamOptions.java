package dev.portcullis.upstream;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Settings of an {@link UpstreamClient}.
 *
 * @param connectTimeout  TCP connect plus TLS handshake (default 2s)
 * @param responseTimeout from the request sent to the first response byte (default 30s)
 * @param idleTimeout     longest silence between response body bytes (default 60s)
 * @param maxIdlePerOrigin idle keep-alive connections kept per origin (default 64; 0 disables reuse)
 * @param poolIdleTimeout how long an idle connection stays pooled (default 60s)
 * @param maxHeaderBytes  largest response header section (default 64 KiB)
 * @param sslContext      TLS context for https origins; {@code null} for the JDK default trust store
 */
public record UpstreamOptions(
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        Integer maxIdlePerOrigin,
        Duration poolIdleTimeout,
        Integer maxHeaderBytes,
        SSLContext sslContext) {

    /** Fills defaults. */
    public UpstreamOptions {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(30) : responseTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
        maxIdlePerOrigin = maxIdlePerOrigin == null ? 64 : maxIdlePerOrigin;
        poolIdleTimeout = poolIdleTimeout == null ? Duration.ofSeconds(60) : poolIdleTimeout;
        maxHeaderBytes = maxHeaderBytes == null ? 64 * 1024 : maxHeaderBytes;
    }

    /** All defaults. */
    public static UpstreamOptions defaults() {
        return new UpstreamOptions(null, null, null, null, null, null, null);
    }
}
