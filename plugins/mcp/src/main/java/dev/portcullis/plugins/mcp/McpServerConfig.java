package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One upstream MCP server behind the gateway: reached over Streamable HTTP ({@code url}) or a
 * local process the gateway launches and speaks to over stdio ({@code command}).
 *
 * @param name                  unique name; prefixes the server's tools and prompts
 *                              ({@code crm_read_customer}), so it uses letters, digits and '-' only
 *                              ('_' is the separator)
 * @param url                   HTTP: the server's Streamable HTTP endpoint, e.g. {@code http://127.0.0.1:9100/mcp}
 * @param headers               HTTP: headers sent on every request to this server; the client's own
 *                              {@code Authorization} is never forwarded
 * @param auth                  HTTP: the credential the gateway presents (bearer, API key, OAuth client
 *                              credentials or RFC 8693 token exchange)
 * @param command               stdio: the program to launch (path or name on {@code PATH})
 * @param args                  stdio: its arguments
 * @param env                   stdio: environment variables added to the gateway's own
 * @param workingDirectory      stdio: its working directory (relative to the config folder; default the config folder)
 * @param maxConcurrentRequests stdio: most requests in flight to the process at once (default 16); more wait
 * @param stateless             HTTP: the server speaks only the stateless revision 2026-07-28 (no initialize,
 *                              no session): the gateway discovers it with {@code server/discover} and sends
 *                              each request with that revision's {@code _meta} and headers (default false)
 */
public record McpServerConfig(
        String name,
        String url,
        Map<String, String> headers,
        UpstreamAuthConfig auth,
        String command,
        List<String> args,
        Map<String, String> env,
        String workingDirectory,
        Integer maxConcurrentRequests,
        Boolean stateless) implements Validatable {

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{1,32}");

    /** Headers the gateway sets itself, per the transport, and so refuses from config. */
    static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "accept",
            "mcp-session-id", "mcp-protocol-version", "connection", "transfer-encoding", "upgrade", "te",
            "keep-alive", "expect", "last-event-id", "x-correlation-id");

    /** Null collections become empty. */
    public McpServerConfig {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        maxConcurrentRequests = maxConcurrentRequests == null ? 16 : maxConcurrentRequests;
        stateless = stateless != null && stateless;
    }

    /** A server of {@code name} at {@code url}, no credential (tests, defaults). */
    public McpServerConfig(String name, String url, Map<String, String> headers) {
        this(name, url, headers, null, null, null, null, null, null, null);
    }

    /** Whether the gateway launches this server and speaks stdio to it. */
    boolean stdio() {
        return command != null;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add("name", "must be 1-32 letters, digits or '-' ('_' separates the server from its tool names)");
        }
        if ((url == null) == (command == null)) {
            errors.add(url == null ? "url" : "command", "give exactly one of url (Streamable HTTP) or command (stdio)");
        }
        if (url != null) {
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
        if (command != null) {
            if (command.isBlank()) {
                errors.add("command", "is empty");
            }
            if (!headers.isEmpty()) {
                errors.add("headers", "only for url servers (a stdio server gets env)");
            }
            if (auth != null) {
                errors.add("auth", "only for url servers (a stdio server gets env)");
            }
            if (stateless) {
                errors.add("stateless", "only for url servers");
            }
            if (maxConcurrentRequests < 1) {
                errors.add("maxConcurrentRequests", "must be at least 1");
            }
        } else {
            if (!args.isEmpty() || !env.isEmpty() || workingDirectory != null) {
                errors.add("command", "args, env and workingDirectory need a command");
            }
        }
        headers.forEach((k, v) -> {
            if (RESERVED.contains(k.toLowerCase(Locale.ROOT))) {
                errors.add("headers." + k, "is set by the gateway itself");
            } else if (v == null) {
                errors.add("headers." + k, "has no value");
            }
        });
        if (auth != null) {
            auth.validate(errors.at("auth"));
            if (auth.type() != null && headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(auth.type().equals("api-key") ? auth.header() : "Authorization"))) {
                errors.add("headers", "sets the header auth sets; keep one");
            }
        }
        env.forEach((k, v) -> {
            if (v == null) {
                errors.add("env." + k, "has no value");
            }
        });
    }
}
