package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.PluginContext;
import java.net.http.HttpClient;
import java.time.Clock;
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

    @Override
    public Backend create(McpBackendConfig config, PluginContext context) {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // the client's internal steps run on its selector thread instead of a new virtual
                // thread each: every body is read with ofInputStream or ofByteArray, whose
                // subscribers never block, and no callbacks are chained. The LLM backend's
                // profile showed the hand-offs as the largest CPU cost of a call (docs/benchmarks.md)
                .executor(Runnable::run)
                .build();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        for (McpServerConfig s : config.servers()) {
            Upstream u;
            if (s.stdio()) {
                u = new StdioUpstream(s, context.configDir(), config.requestTimeout());
            } else {
                HttpUpstream http = new HttpUpstream(s, UpstreamCredential.of(s.auth(), client, Clock.systemUTC()), client,
                        config.requestTimeout());
                u = s.stateless() ? new StatelessUpstream(http, VERSION) : http;
            }
            upstreams.put(s.name(), u);
        }
        Federation federation = new Federation(upstreams, config.requestTimeout(), VERSION, config.prefixed());
        // one key space per set of servers: a session only continues where the same servers stand
        String scope = Integer.toHexString(upstreams.keySet().hashCode());
        Sessions sessions = new Sessions(context.store(config.store()), scope, config.sessionTtl());
        return new McpBackend(federation, sessions, config, VERSION, client::shutdownNow);
    }

    @Override
    public String description() {
        return "MCP gateway: Streamable HTTP proxy federating MCP servers, with sessions and access checks";
    }
}
