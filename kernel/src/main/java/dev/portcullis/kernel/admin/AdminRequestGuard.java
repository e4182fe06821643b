package dev.portcullis.kernel.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps web pages the operator happens to have open from using the admin API through their
 * browser. Loopback binding alone does not: a page can post to {@code http://127.0.0.1:8081}
 * (cross-site request forgery) or rebind its own host name to 127.0.0.1 (DNS rebinding).
 * So a request that changes state must not come from another origin, and while the listener is
 * on loopback the {@code Host} must name loopback. curl and scripts send no {@code Origin} and are
 * unaffected.
 */
final class AdminRequestGuard implements Filter {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final boolean loopbackOnly;

    AdminRequestGuard(String adminHost) {
        this.loopbackOnly = LOOPBACK_NAMES.contains(adminHost.toLowerCase(Locale.ROOT));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        if (loopbackOnly && !LOOPBACK_NAMES.contains(hostName(host))) {
            refuse(res, "the admin listener answers only to a loopback Host");
            return;
        }
        Method method = req.prologue().method();
        boolean safe = method == Method.GET || method == Method.HEAD || method == Method.OPTIONS;
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (!safe && origin != null && !sameOrigin(origin, host)) {
            refuse(res, "admin changes are not accepted from another origin");
            return;
        }
        chain.proceed();
    }

    private static void refuse(RoutingResponse res, String why) {
        res.status(Status.FORBIDDEN_403);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send("{\"error\":\"" + why + "\"}");
    }

    /** The host part of a Host header value, lower case, without the port. */
    static String hostName(String hostHeader) {
        String h = hostHeader.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static boolean sameOrigin(String origin, String host) {
        try {
            URI o = URI.create(origin);
            String authority = o.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
