package dev.portcullis.plugins.lifecycle;

import java.util.Locale;

/** Small, allocation-light reading of media types ({@code application/json; charset=utf-8}). */
final class MediaTypes {

    private MediaTypes() {}

    /**
     * The value of parameter {@code name} in the first media range of {@code header} that has it
     * ({@code Accept: application/json; version=2, text/html}), unquoted; or null.
     */
    static String parameter(String header, String name) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            int semi = header.indexOf(';', i);
            if (semi < 0) {
                return null;
            }
            int start = semi + 1;
            int end = start;
            boolean quoted = false;
            while (end < n) { // a parameter ends at ';' or ',' outside quotes
                char c = header.charAt(end);
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && (c == ';' || c == ',')) {
                    break;
                }
                end++;
            }
            String param = header.substring(start, end).trim();
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String value = param.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
            i = end;
        }
        return null;
    }

    /** The essence of a content type: lower case, without parameters ({@code application/json}). */
    static String essence(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Whether a media type essence is JSON ({@code application/json}, {@code application/problem+json}). */
    static boolean isJson(String essence) {
        return essence != null && (essence.equals("application/json") || essence.endsWith("+json"));
    }

    /**
     * The key of {@code documented} that {@code essence} falls under: exact, then {@code type/*},
     * then {@code *}{@code /*}; or null.
     */
    static String lookup(java.util.Set<String> documented, String essence) {
        if (documented.contains(essence)) {
            return essence;
        }
        int slash = essence.indexOf('/');
        if (slash > 0) {
            String range = essence.substring(0, slash) + "/*";
            if (documented.contains(range)) {
                return range;
            }
        }
        return documented.contains("*/*") ? "*/*" : null;
    }
}
