package dev.portcullis.kernel.server;

import dev.portcullis.spi.Headers;
import java.util.Locale;
import java.util.Set;

/** RFC 9110 §7.6.1: headers that describe one connection and must not be forwarded. */
public final class HopByHop {

    private static final Set<String> NAMES = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "proxy-authorization", "proxy-authenticate");

    private HopByHop() {}

    /** Whether {@code name} is always hop-by-hop. */
    public static boolean isHopByHop(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Removes hop-by-hop headers, including those named by {@code Connection}. */
    public static void strip(Headers headers) {
        for (String c : headers.all("Connection")) {
            for (String token : c.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    headers.remove(t);
                }
            }
        }
        for (String name : NAMES) {
            headers.remove(name);
        }
    }
}
