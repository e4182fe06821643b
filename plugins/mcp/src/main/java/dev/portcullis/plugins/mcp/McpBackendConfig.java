package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Config of the {@code mcp} backend: a Streamable HTTP endpoint federating {@code servers}.
 *
 * @param servers        the upstream MCP servers, in listing order
 * @param prefix         {@code auto} (default: tools and prompts keep the upstream's names when there
 *                       is one server, {@code <server>_<name>} otherwise), {@code always} or
 *                       {@code never} (names must then not collide between servers)
 * @param allowedOrigins browser origins allowed to call ({@code http://localhost:3000}); a request
 *                       with any other {@code Origin} is refused 403 (DNS-rebinding protection).
 *                       When not set, loopback origins ({@code localhost}, {@code 127.0.0.1},
 *                       {@code [::1]}, any port, http or https) are allowed
 * @param allowedHosts   when set, the only {@code Host} names accepted (without port); others get 403
 * @param maxMessageSize largest request body accepted (default 4MiB)
 * @param maxBatchSize   most messages in one JSON-RPC batch (default 16)
 * @param sessionTtl     how long an idle session lives (default 1h)
 * @param store          the state store holding sessions (default {@code default}); a shared store
 *                       lets any gateway node continue a session
 * @param connectTimeout connect timeout towards upstreams (default 5s)
 * @param requestTimeout how long to wait for an upstream's response headers (default 60s); an
 *                       event stream, once started, may last longer
 */
public record McpBackendConfig(
        List<McpServerConfig> servers,
        String prefix,
        List<String> allowedOrigins,
        List<String> allowedHosts,
        DataSize maxMessageSize,
        Integer maxBatchSize,
        Duration sessionTtl,
        String store,
        Duration connectTimeout,
        Duration requestTimeout) implements Validatable {

    private static final Set<String> PREFIX_MODES = Set.of("auto", "always", "never");

    /** Defaults for everything but the servers; {@code allowedOrigins} stays null when not set. */
    public McpBackendConfig {
        servers = servers == null ? List.of() : List.copyOf(servers);
        prefix = prefix == null ? "auto" : prefix;
        allowedOrigins = allowedOrigins == null ? null : List.copyOf(allowedOrigins);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        maxMessageSize = maxMessageSize == null ? DataSize.ofBytes(4L << 20) : maxMessageSize;
        maxBatchSize = maxBatchSize == null ? 16 : maxBatchSize;
        sessionTtl = sessionTtl == null ? Duration.ofHours(1) : sessionTtl;
        store = store == null ? "default" : store;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(60) : requestTimeout;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (servers.isEmpty()) {
            errors.add("servers", "at least one server is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            McpServerConfig s = servers.get(i);
            if (s == null) {
                errors.add("servers[" + i + "]", "is empty");
                continue;
            }
            s.validate(errors.at("servers[" + i + "]"));
            if (s.name() != null && !names.add(s.name().toLowerCase(java.util.Locale.ROOT))) {
                errors.add("servers[" + i + "].name", "duplicate server name '" + s.name() + "'");
            }
        }
        if (!PREFIX_MODES.contains(prefix)) {
            errors.add("prefix", "must be auto, always or never");
        }
        for (int i = 0; allowedOrigins != null && i < allowedOrigins.size(); i++) {
            if (!isOrigin(allowedOrigins.get(i))) {
                errors.add("allowedOrigins[" + i + "]", "not an origin (scheme://host[:port], no path)");
            }
        }
        if (maxBatchSize < 1) {
            errors.add("maxBatchSize", "must be at least 1");
        }
        if (maxMessageSize.bytes() < 1024) {
            errors.add("maxMessageSize", "must be at least 1KiB");
        }
        if (sessionTtl.compareTo(Duration.ofSeconds(10)) < 0) {
            errors.add("sessionTtl", "must be at least 10s");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            errors.add("connectTimeout", "must be positive");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            errors.add("requestTimeout", "must be positive");
        }
    }

    /** Whether public tool and prompt names carry the server prefix. */
    public boolean prefixed() {
        return prefix.equals("always") || (prefix.equals("auto") && servers.size() != 1);
    }

    private static boolean isOrigin(String s) {
        if (s == null) {
            return false;
        }
        try {
            URI u = URI.create(s);
            return u.getScheme() != null && u.getHost() != null && (u.getRawPath() == null || u.getRawPath().isEmpty())
                    && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
