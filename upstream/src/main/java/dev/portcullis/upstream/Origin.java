package dev.portcullis.upstream;

import java.net.URI;
import java.util.Locale;

/**
 * Where upstream connections go: scheme, host and port. Connections are pooled per origin.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   a host name or IP literal, IPv6 without brackets
 * @param port   the TCP port
 */
public record Origin(String scheme, String host, int port) {

    /** Normalises the scheme and refuses what cannot be connected to. */
    public Origin {
        scheme = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme must be http or https, not '" + scheme + "'");
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host is required");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The origin of an absolute http(s) URI; the default port is filled in. */
    public static Origin of(URI uri) {
        String scheme = uri.getScheme();
        int port = uri.getPort();
        if (port == -1) {
            port = "https".equalsIgnoreCase(scheme) ? 443 : 80;
        }
        return new Origin(scheme, uri.getHost(), port);
    }

    /** Whether connections use TLS. */
    public boolean secure() {
        return scheme.equals("https");
    }

    /** The {@code Host} header value: the host, with the port when it is not the scheme's default. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = secure() ? port == 443 : port == 80;
        return defaultPort ? h : h + ":" + port;
    }

    /** {@code host:port}, for logs, metrics and error details. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
