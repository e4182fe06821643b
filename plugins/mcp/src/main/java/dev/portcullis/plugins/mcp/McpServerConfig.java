package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One upstream MCP server behind the gateway.
 *
 * @param name    unique name; prefixes the server's tools and prompts ({@code crm_read_customer}),
 *                so it uses letters, digits and '-' only ('_' is the separator)
 * @param url     the server's Streamable HTTP endpoint, e.g. {@code http://127.0.0.1:9100/mcp}
 * @param headers headers sent on every request to this server (its credential, from {@code ${ENV}});
 *                the client's own {@code Authorization} is never forwarded
 */
public record McpServerConfig(String name, String url, Map<String, String> headers) implements Validatable {

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{1,32}");

    /** Headers the gateway sets itself, per the transport, and so refuses from config. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "accept",
            "mcp-session-id", "mcp-protocol-version", "connection", "transfer-encoding", "upgrade", "te",
            "keep-alive", "expect", "last-event-id");

    /** Null headers become empty. */
    public McpServerConfig {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add("name", "must be 1-32 letters, digits or '-' ('_' separates the server from its tool names)");
        }
        if (url == null) {
            errors.add("url", "is required");
        } else {
            try {
                URI u = URI.create(url);
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                    errors.add("url", "not an absolute http(s) URL");
                }
            } catch (IllegalArgumentException e) {
                errors.add("url", "not a URL: " + e.getMessage());
            }
        }
        headers.forEach((k, v) -> {
            if (RESERVED.contains(k.toLowerCase(Locale.ROOT))) {
                errors.add("headers." + k, "is set by the gateway itself");
            } else if (v == null) {
                errors.add("headers." + k, "has no value");
            }
        });
    }
}
