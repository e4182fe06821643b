package dev.portcullis.plugins.traffic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether an {@code Origin} is allowed: exact origins by hash lookup, subdomain wildcards
 * ({@code https://*.example.com}) by prefix/suffix comparison, and {@code *}. Browsers send
 * origins lower-cased, so the request value is compared as it is.
 */
final class OriginMatcher {

    private final boolean any;
    private final Set<String> exact = new HashSet<>();
    private final String[] wildcardPrefixes;
    private final String[] wildcardSuffixes;

    OriginMatcher(List<String> patterns) {
        boolean anyOrigin = false;
        List<String> prefixes = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (String pattern : patterns) {
            String p = pattern.toLowerCase(Locale.ROOT);
            if (p.equals("*")) {
                anyOrigin = true;
            } else if (p.contains("://*.")) {
                int star = p.indexOf("://*.") + 3;
                prefixes.add(p.substring(0, star)); // "https://"
                suffixes.add(p.substring(star + 1)); // ".example.com[:port]"
            } else {
                exact.add(p);
            }
        }
        any = anyOrigin;
        wildcardPrefixes = prefixes.toArray(String[]::new);
        wildcardSuffixes = suffixes.toArray(String[]::new);
    }

    /** Whether {@code origin} may read responses. */
    boolean allows(String origin) {
        if (any || exact.contains(origin)) {
            return true;
        }
        for (int i = 0; i < wildcardPrefixes.length; i++) {
            if (matchesWildcard(origin, wildcardPrefixes[i], wildcardSuffixes[i])) {
                return true;
            }
        }
        return false;
    }

    /** {@code https://} + one or more host labels + {@code .example.com}. */
    private static boolean matchesWildcard(String origin, String prefix, String suffix) {
        int start = prefix.length();
        int end = origin.length() - suffix.length();
        if (end <= start || !origin.startsWith(prefix) || !origin.endsWith(suffix)) {
            return false;
        }
        if (origin.charAt(start) == '.' || origin.charAt(end - 1) == '.') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = origin.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return false; // no ':', '/', '@': the wildcard covers host labels only
            }
        }
        return true;
    }

    /**
     * What is wrong with an origin pattern, or {@code null}: it must be
     * {@code scheme://host[:port]} without a path, the host optionally starting with {@code *.}.
     */
    static String patternProblem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "empty origin";
        }
        int sep = pattern.indexOf("://");
        if (sep <= 0) {
            return "not an origin: '" + pattern + "' (expected scheme://host[:port], e.g. https://app.example.com)";
        }
        for (int i = 0; i < sep; i++) {
            char c = pattern.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '+' && c != '-' && c != '.') {
                return "not an origin: '" + pattern + "' (bad scheme)";
            }
        }
        String authority = pattern.substring(sep + 3);
        if (authority.isEmpty() || authority.indexOf('/') >= 0 || authority.indexOf('?') >= 0
                || authority.indexOf('#') >= 0 || authority.indexOf('@') >= 0) {
            return "not an origin: '" + pattern + "' (an origin has no path, query or user: scheme://host[:port])";
        }
        int star = authority.lastIndexOf('*');
        if (star > 0 || (star == 0 && !authority.startsWith("*.")) || authority.equals("*.")) {
            return "bad wildcard in '" + pattern + "' (only a leading '*.' is allowed, e.g. https://*.example.com)";
        }
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']') < colon) {
            String port = authority.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit) || Integer.parseInt(port) > 65535) {
                return "bad port in '" + pattern + "'";
            }
        }
        return null;
    }
}
