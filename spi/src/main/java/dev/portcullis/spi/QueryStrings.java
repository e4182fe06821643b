package dev.portcullis.spi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's one reading of raw query strings ({@code a=1&b=x%20y}), shared by the kernel,
 * plugins and tests so they never disagree about what a parameter is.
 */
public final class QueryStrings {

    private QueryStrings() {}

    /**
     * Decoded parameters in order of first appearance. A parameter without {@code =} has the value
     * {@code ""}; a malformed percent-encoding keeps its raw text rather than failing the request.
     */
    public static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return out;
    }

    /** {@code rawQuery} without any pair whose decoded name is {@code name}; other pairs untouched. */
    public static String without(String rawQuery, String name) {
        StringBuilder out = new StringBuilder(rawQuery.length());
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (!decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
                out.append(out.isEmpty() ? "" : "&").append(pair);
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
