package dev.portcullis.demo;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.net.URI;
import java.time.Duration;

/**
 * The demo MCP servers: where they listen, which REST APIs their tools call (normally the
 * gateway's own API routes, so the API gate sees those calls), and the OAuth client they call
 * them as.
 *
 * @param host         bind address; loopback by default, and the demo is meant to stay there
 * @param port         port (default 9006); the servers are at {@code /crm/mcp} and {@code /mail/mcp}
 * @param crmApiUrl    base URL of the CRM API ({@code GET {crmApiUrl}/customers/{id}})
 * @param mailApiUrl   base URL of the mail API ({@code POST {mailApiUrl}/send})
 * @param tokenUrl     token endpoint for the client-credentials grant; none → calls carry no token
 * @param clientId     the servers' own OAuth client id
 * @param clientSecret its secret (use {@code ${ENV}})
 * @param timeout      per API call (default 10s)
 */
public record DemoMcpConfig(
        @JsonPropertyDescription("Bind address (default 127.0.0.1)") String host,
        @JsonPropertyDescription("Port (default 9006); servers at /crm/mcp and /mail/mcp") Integer port,
        @JsonPropertyDescription("Base URL of the CRM API (default http://127.0.0.1:8080/api/crm)") String crmApiUrl,
        @JsonPropertyDescription("Base URL of the mail API (default http://127.0.0.1:8080/api/mail)") String mailApiUrl,
        @JsonPropertyDescription("Token endpoint (client credentials); none: API calls carry no token") String tokenUrl,
        @JsonPropertyDescription("OAuth client id of the MCP servers") String clientId,
        @JsonPropertyDescription("OAuth client secret (use ${ENV})") String clientSecret,
        @JsonPropertyDescription("Timeout of one API call (default 10s)") Duration timeout) implements Validatable {

    /** Fills defaults. */
    public DemoMcpConfig {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 9006 : port;
        crmApiUrl = stripSlash(crmApiUrl == null ? "http://127.0.0.1:8080/api/crm" : crmApiUrl);
        mailApiUrl = stripSlash(mailApiUrl == null ? "http://127.0.0.1:8080/api/mail" : mailApiUrl);
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void validate(ConfigErrors errors) {
        Ports.check(errors, port);
        url(errors, "crmApiUrl", crmApiUrl);
        url(errors, "mailApiUrl", mailApiUrl);
        if (tokenUrl != null) {
            url(errors, "tokenUrl", tokenUrl);
            if (clientId == null || clientId.isBlank()) {
                errors.add("clientId", "required with tokenUrl");
            }
            if (clientSecret == null || clientSecret.isEmpty()) {
                errors.add("clientSecret", "required with tokenUrl");
            }
        }
        if (!timeout.isPositive()) {
            errors.add("timeout", "must be positive");
        }
    }

    private static void url(ConfigErrors errors, String key, String value) {
        try {
            URI u = URI.create(value);
            if (!u.isAbsolute() || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                errors.add(key, "not an absolute http(s) URL: '" + value + "'");
            }
        } catch (IllegalArgumentException e) {
            errors.add(key, "not a URL: '" + value + "'");
        }
    }
}
