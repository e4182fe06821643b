package dev.portcullis.kernel.routing;

import java.util.Locale;

/** A route's host condition: any host, an exact host, or {@code *.example.com} (one or more labels). */
public record HostPattern(String exact, String suffix) {

    /** Matches any host. */
    public static final HostPattern ANY = new HostPattern(null, null);

    /** Parses {@code api.local} or {@code *.example.com}; null means any. */
    public static HostPattern of(String host) {
        if (host == null || host.isEmpty()) {
            return ANY;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("*.") ? new HostPattern(null, h.substring(1)) : new HostPattern(h, null);
    }

    /** Whether {@code host} (lower-case, without port) matches. */
    public boolean matches(String host) {
        if (exact != null) {
            return exact.equals(host);
        }
        if (suffix != null) {
            return host.length() > suffix.length() && host.endsWith(suffix);
        }
        return true;
    }

    /** Exact hosts beat wildcards beat no host condition. */
    public int specificity() {
        return exact != null ? 2 : suffix != null ? 1 : 0;
    }
}
