package dev.portcullis.detect;

import java.util.List;

/**
 * IPv6 addresses in text form ({@code 2001:db8::8a2e:370:7334}, {@code ::1},
 * {@code ::ffff:192.0.2.1}): eight groups of up to four hex digits, or fewer with one {@code ::}.
 * Clock times and MAC addresses have the wrong group count and are not matched.
 */
public final class Ipv6Detector implements Detector {

    /** The detector's name. */
    public static final String NAME = "ipv6";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {
        if (text instanceof String s && s.indexOf(':') < 0) {
            return; // a quick, vectorised answer for the common case
        }
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (!(Chars.isHex(c) || c == ':') || !Chars.boundaryBefore(text, i) || (i > 0 && text.charAt(i - 1) == ':')) {
                i++;
                continue;
            }
            int end = i;
            int colons = 0;
            while (end < n && (Chars.isHex(text.charAt(end)) || text.charAt(end) == ':' || text.charAt(end) == '.')) {
                colons += text.charAt(end) == ':' ? 1 : 0;
                end++;
            }
            int stop = end;
            // sentence punctuation after an address is not part of it
            while (stop > i && (text.charAt(stop - 1) == '.'
                    || (text.charAt(stop - 1) == ':' && (stop - 2 < i || text.charAt(stop - 2) != ':')))) {
                stop--;
            }
            if (colons >= 2 && Chars.boundaryAt(text, end) && valid(text, i, stop)) {
                out.add(new Span(i, stop, NAME, 0.9));
            }
            i = Math.max(end, i + 1);
        }
    }

    /** Whether {@code s[start, end)} is an IPv6 address. */
    static boolean valid(CharSequence s, int start, int end) {
        int groups = 0;
        boolean compressed = false;
        int i = start;
        if (end - start >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            compressed = true;
            i += 2;
            if (i == end) {
                return false; // "::" alone says nothing
            }
        } else if (s.charAt(i) == ':') {
            return false;
        }
        while (i < end) {
            int g = i;
            while (i < end && Chars.isHex(s.charAt(i))) {
                i++;
            }
            if (i < end && s.charAt(i) == '.') {
                // an embedded IPv4 tail counts as two groups and must end the address
                if (!ipv4(s, g, end)) {
                    return false;
                }
                groups += 2;
                i = end;
                break;
            }
            if (i == g || i - g > 4) {
                return false;
            }
            groups++;
            if (i == end) {
                break;
            }
            i++; // ':'
            if (i < end && s.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
                if (i == end) {
                    break;
                }
            } else if (i == end) {
                return false;
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    private static boolean ipv4(CharSequence s, int start, int end) {
        int octets = 0;
        int i = start;
        while (i <= end) {
            int o = i;
            int v = 0;
            while (i < end && Chars.isDigit(s.charAt(i))) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == o || i - o > 3 || v > 255 || (i - o > 1 && s.charAt(o) == '0')) {
                return false;
            }
            octets++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != '.') {
                return false;
            }
            i++;
        }
        return octets == 4;
    }
}
