package dev.portcullis.plugins.auth;

/** RFC 9110 token syntax, for validating header names in config. */
final class HttpTokens {

    private HttpTokens() {}

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

    /**
     * The credentials after {@code scheme} in an Authorization value ({@code Bearer abc} → {@code abc}),
     * or null when the value uses another scheme.
     */
    static String afterScheme(String value, String scheme) {
        if (value == null || value.length() <= scheme.length() + 1
                || !value.regionMatches(true, 0, scheme, 0, scheme.length())
                || value.charAt(scheme.length()) != ' ') {
            return null;
        }
        String rest = value.substring(scheme.length() + 1).strip();
        return rest.isEmpty() ? null : rest;
    }
}
