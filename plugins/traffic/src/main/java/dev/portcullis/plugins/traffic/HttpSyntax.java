package dev.portcullis.plugins.traffic;

import java.util.Locale;
import java.util.Set;

/** Small checks on HTTP syntax used when validating config. */
final class HttpSyntax {

    /** Headers that frame the message or the connection: the gateway owns them. */
    private static final Set<String> GATEWAY_OWNED = Set.of(
            "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
            "te", "trailer", "proxy-connection");

    private HttpSyntax() {}

    /** Whether {@code s} is an RFC 9110 token (header names, methods). */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether the gateway manages {@code name} itself (framing, hop-by-hop). */
    static boolean isGatewayOwned(String name) {
        return GATEWAY_OWNED.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The problem with {@code name} as a header to change, or {@code null} when it is fine. */
    static String headerNameProblem(String name) {
        if (!isToken(name)) {
            return "not a valid header name: '" + name + "'";
        }
        if (isGatewayOwned(name)) {
            return "'" + name + "' is managed by the gateway and cannot be changed";
        }
        return null;
    }
}
