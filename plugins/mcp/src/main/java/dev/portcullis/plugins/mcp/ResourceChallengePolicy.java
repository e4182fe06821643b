package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Request;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;
import java.util.List;

/**
 * The {@code mcp-resource} policy: makes an MCP route an OAuth 2.0 protected resource as the MCP
 * authorization spec wants. Placed <em>before</em> the authentication policy ({@code jwt}), its
 * response phase sees every refusal of the policies after it and points each {@code Bearer}
 * challenge of a 401 or 403 at the resource's metadata (RFC 9728 §5.1:
 * {@code resource_metadata="…"}), so a client can discover the authorization server. A 401 without
 * any challenge gets one.
 */
final class ResourceChallengePolicy implements Policy {

    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final String fixedParam;

    ResourceChallengePolicy(ResourceChallengeConfig config) {
        this.fixedParam = config.metadataUrl() == null ? null : param(config.metadataUrl().toString());
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        Response r = exchange.response();
        if (r == null || (r.status() != 401 && r.status() != 403)) {
            return Verdict.proceed();
        }
        Headers h = r.headers();
        List<String> challenges = h.all("WWW-Authenticate");
        if (challenges.isEmpty()) {
            if (r.status() == 401) {
                h.set("WWW-Authenticate", "Bearer " + param(exchange));
            }
            return Verdict.proceed();
        }
        h.remove("WWW-Authenticate");
        for (String c : challenges) {
            h.add("WWW-Authenticate", decorate(c, exchange));
        }
        return Verdict.proceed();
    }

    private String decorate(String challenge, Exchange exchange) {
        String trimmed = challenge.strip();
        if (!trimmed.regionMatches(true, 0, "Bearer", 0, 6) || trimmed.contains("resource_metadata=")) {
            return challenge;
        }
        String rest = trimmed.substring(6).strip();
        return "Bearer " + param(exchange) + (rest.isEmpty() ? "" : ", " + rest);
    }

    private String param(Exchange exchange) {
        if (fixedParam != null) {
            return fixedParam;
        }
        Request req = exchange.request();
        String host = req.headers().get("Host");
        if (host == null || host.isBlank()) {
            host = req.host();
        }
        return param(req.scheme() + "://" + host + WELL_KNOWN + req.path());
    }

    private static String param(String url) {
        return "resource_metadata=\"" + url.replace("\"", "%22") + "\"";
    }
}
