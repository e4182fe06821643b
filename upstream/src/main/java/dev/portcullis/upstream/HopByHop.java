package dev.portcullis.upstream;

import dev.portcullis.spi.Headers;

/**
 * The hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1), checked without lower-casing
 * or hashing: a length switch and one case-insensitive compare.
 */
public final class HopByHop {

    private HopByHop() {}

    /** Whether {@code name} is one of the fixed hop-by-hop header names. */
    public static boolean is(String name) {
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("te");
            case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            case 18 -> name.equalsIgnoreCase("proxy-authenticate");
            case 19 -> name.equalsIgnoreCase("proxy-authorization");
            default -> false;
        };
    }

    /**
     * Removes from {@code headers} every header named in {@code connectionValue} (the value of a
     * {@code Connection} header, a comma-separated token list), except the {@code close} and
     * {@code keep-alive} options which name no header. Returns whether the value has the
     * {@code close} option.
     */
    public static boolean removeNamedIn(String connectionValue, Headers headers) {
        boolean close = false;
        int i = 0;
        int n = connectionValue.length();
        while (i < n) {
            int comma = connectionValue.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int s = i;
            int e = end;
            while (s < e && connectionValue.charAt(s) <= ' ') {
                s++;
            }
            while (e > s && connectionValue.charAt(e - 1) <= ' ') {
                e--;
            }
            if (e - s == 5 && connectionValue.regionMatches(true, s, "close", 0, 5)) {
                close = true;
            } else if (e > s && !(e - s == 10 && connectionValue.regionMatches(true, s, "keep-alive", 0, 10))) {
                headers.remove(connectionValue.substring(s, e));
            }
            i = end + 1;
        }
        return close;
    }
}
