package dev.portcullis.plugins.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.spi.Backend;
import dev.portcullis.spi.BackendFactory;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.Response;
import java.net.URI;
import org.pf4j.Extension;

/**
 * Backend type {@code oauth-protected-resource}: serves the RFC 9728 Protected Resource Metadata
 * document of an MCP endpoint, built once from config. Route it at
 * {@code /.well-known/oauth-protected-resource} (root form) and/or
 * {@code /.well-known/oauth-protected-resource/mcp} (path form) with no auth policy.
 */
@Extension
public final class ResourceMetadataBackendFactory implements BackendFactory<ResourceMetadataConfig> {

    @Override
    public String type() {
        return "oauth-protected-resource";
    }

    @Override
    public Class<ResourceMetadataConfig> configType() {
        return ResourceMetadataConfig.class;
    }

    @Override
    public Backend create(ResourceMetadataConfig config, PluginContext context) {
        ObjectNode doc = JsonRpc.NODES.objectNode();
        doc.put("resource", config.resource().toString());
        ArrayNode as = doc.putArray("authorization_servers");
        config.authorizationServers().forEach(u -> as.add(u.toString()));
        if (!config.scopesSupported().isEmpty()) {
            ArrayNode s = doc.putArray("scopes_supported");
            config.scopesSupported().forEach(s::add);
        }
        ArrayNode m = doc.putArray("bearer_methods_supported");
        config.bearerMethodsSupported().forEach(m::add);
        if (config.resourceName() != null) {
            doc.put("resource_name", config.resourceName());
        }
        URI docs = config.resourceDocumentation();
        if (docs != null) {
            doc.put("resource_documentation", docs.toString());
        }
        byte[] body = JsonRpc.bytes(doc);
        String cache = "public, max-age=" + config.maxAge().toSeconds();
        return new Backend() {
            @Override
            public Response handle(Exchange ex) {
                String method = ex.request().method();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    Response r = Response.json(405, "{\"error\":\"method_not_allowed\"}");
                    r.headers().set("Allow", "GET, HEAD");
                    return r;
                }
                return new Response(200, Headers.of("Content-Type", "application/json", "Cache-Control", cache,
                        "Access-Control-Allow-Origin", "*"), method.equals("HEAD") ? Body.empty() : Body.of(body));
            }
        };
    }

    @Override
    public String description() {
        return "RFC 9728 OAuth Protected Resource Metadata for an MCP endpoint";
    }
}
