package dev.portcullis.plugins.traffic;

import java.util.Arrays;

/**
 * Parses IPv4 and IPv6 address literals into bytes with a plain character scan: no regex, and
 * never a DNS lookup (which {@code InetAddress.getByName} would attempt for anything that is not
 * a literal).
 */
final class IpAddresses {

    private IpAddresses() {}

    /**
     * The 4 or 16 bytes of an address literal, or {@code null} if {@code text} is not one.
     * Accepts IPv6 in brackets and with a zone ({@code fe80::1%eth0}, the zone is ignored).
     * IPv4 parts must not have leading zeros (they would be read as octal by some tools).
     */
    static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text;
        if (s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            return parseV4(s);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        return parseV6(s);
    }

    /**
     * {@code address} itself, or the embedded IPv4 address when it is an IPv4-mapped IPv6
     * address ({@code ::ffff:10.1.2.3}), so that IPv4 rules apply to IPv4 clients on dual-stack
     * sockets.
     */
    static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zero
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parseV6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = groups(gap < 0 ? s : s.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(s.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int total = head.length + tail.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) {
            out[2 * i] = (byte) (head[i] >> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        int offset = 8 - tail.length;
        for (int i = 0; i < tail.length; i++) {
            out[2 * (offset + i)] = (byte) (tail[i] >> 8);
            out[2 * (offset + i) + 1] = (byte) tail[i];
        }
        return out;
    }

    /** Colon-separated 16-bit groups; a dotted IPv4 tail counts as two groups. */
    private static int[] groups(String s, boolean ipv4TailAllowed) {
        if (s.isEmpty()) {
            return new int[0];
        }
        int[] out = new int[9];
        int n = 0;
        int start = 0;
        while (true) {
            int end = s.indexOf(':', start);
            String piece = end < 0 ? s.substring(start) : s.substring(start, end);
            if (piece.indexOf('.') >= 0) {
                byte[] v4 = end < 0 && ipv4TailAllowed ? parseV4(piece) : null;
                if (v4 == null || n > 6) {
                    return null;
                }
                out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
            } else {
                int value = hexGroup(piece);
                if (value < 0 || n == 8) {
                    return null;
                }
                out[n++] = value;
            }
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        return Arrays.copyOf(out, n);
    }

    private static int hexGroup(String piece) {
        if (piece.isEmpty() || piece.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < piece.length(); i++) {
            int d = Character.digit(piece.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            value = value * 16 + d;
        }
        return value;
    }
}
