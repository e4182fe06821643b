package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.UpstreamHttp;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.Extension;

/** Creates {@code mcp} backends: one governed Streamable HTTP endpoint in front of several MCP servers. */
@Extension
public final class McpBackendFactory implements BackendFactory<McpBackendConfig> {

    private static final String VERSION = "0.1.0";

    @Override
    public String type() {
        return "mcp";
    }

    @Override
    public Class<McpBackendConfig> configType() {
        return McpBackendConfig.class;
    }

    /** Effectively no limit: a GET stream's head may wait for its first event, and its events may be far apart. */
    private static final Duration STREAM_WAIT = Duration.ofHours(24);

    @Override
    public Backend create(McpBackendConfig config, PluginContext context) {
        // the gateway's own client: blocking calls on the exchange's virtual thread, without the
        // JDK HttpClient's hand-offs to its selector thread (a third of a tools/call's CPU)
        UpstreamHttp calls = context.upstreamHttp(new UpstreamHttp.Options(config.connectTimeout(),
                config.requestTimeout(), STREAM_WAIT, null));
        UpstreamHttp streams = context.upstreamHttp(new UpstreamHttp.Options(config.connectTimeout(),
                STREAM_WAIT, STREAM_WAIT, null));
        // token requests to authorization servers (rare, cached) keep the JDK client, made only when needed
        HttpClient[] tokens = new HttpClient[1];
        Supplier<HttpClient> tokenClient = () -> {
            if (tokens[0] == null) {
                tokens[0] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(config.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
            }
            return tokens[0];
        };
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (McpServerConfig s : config.servers()) {
            Upstream u;
            if (s.stdio()) {
                u = new StdioUpstream(s, context.configDir(), config.requestTimeout());
            } else {
                HttpUpstream http = new HttpUpstream(s, UpstreamCredential.of(s.auth(), tokenClient, Clock.systemUTC()),
                        calls, streams);
                u = s.stateless() ? new StatelessUpstream(http, VERSION) : http;
            }
            upstreams.put(s.name(), u);
        }
        Federation federation = new Federation(upstreams, config.requestTimeout(), VERSION, config.prefixed());
        // one key space per set of servers: a session only continues where the same servers stand
        String scope = Integer.toHexString(upstreams.keySet().hashCode());
        Sessions sessions = new Sessions(context.store(config.store()), scope, config.sessionTtl());
        return new McpBackend(federation, sessions, config, VERSION, () -> {
            calls.close();
            streams.close();
            if (tokens[0] != null) {
                tokens[0].shutdownNow();
            }
        });
    }

    @Override
    public String description() {
        return "MCP gateway: Streamable HTTP proxy federating MCP servers, with sessions and access checks";
    }
}
