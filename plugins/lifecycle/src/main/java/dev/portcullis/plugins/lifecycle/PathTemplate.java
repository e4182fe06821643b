package dev.portcullis.plugins.lifecycle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI path template ({@code /pets/{petId}}, {@code /files/{name}.json}) compiled once.
 * Whole-segment parameters match by splitting; only partial segments use a (precompiled) pattern.
 */
final class PathTemplate {

    private final String template;
    private final String[] literals; // null where the segment is templated
    private final String[] params;   // the parameter name of a whole-segment template
    private final Pattern[] partial; // segments mixing text and parameters
    private final List<List<String>> partialNames = new ArrayList<>();
    private final int literalCount;

    PathTemplate(String template) {
        this.template = template;
        String[] segs = split(template);
        literals = new String[segs.length];
        params = new String[segs.length];
        partial = new Pattern[segs.length];
        int lit = 0;
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            partialNames.add(List.of());
            if (s.indexOf('{') < 0) {
                literals[i] = s;
                lit++;
            } else if (s.startsWith("{") && s.endsWith("}") && s.indexOf('{', 1) < 0) {
                params[i] = s.substring(1, s.length() - 1);
            } else {
                List<String> names = new ArrayList<>();
                StringBuilder re = new StringBuilder();
                Matcher m = Pattern.compile("\\{([^}]+)}").matcher(s);
                int last = 0;
                while (m.find()) {
                    re.append(Pattern.quote(s.substring(last, m.start()))).append("([^/]+?)");
                    names.add(m.group(1));
                    last = m.end();
                }
                re.append(Pattern.quote(s.substring(last)));
                partial[i] = Pattern.compile(re.toString());
                partialNames.set(i, List.copyOf(names));
            }
        }
        literalCount = lit;
    }

    /** The template as written in the spec. */
    String template() {
        return template;
    }

    /** How many segments are plain text; more specific templates are tried first. */
    int literalCount() {
        return literalCount;
    }

    /** Number of segments. */
    int size() {
        return literals.length;
    }

    /** The parameters if {@code segments} match, else null. */
    Map<String, String> match(String[] segments) {
        if (segments.length != literals.length) {
            return null;
        }
        Map<String, String> values = null;
        for (int i = 0; i < segments.length; i++) {
            if (literals[i] != null) {
                if (!literals[i].equals(segments[i])) {
                    return null;
                }
            } else if (params[i] != null) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                values = put(values, params[i], segments[i]);
            } else {
                Matcher m = partial[i].matcher(segments[i]);
                if (!m.matches()) {
                    return null;
                }
                List<String> names = partialNames.get(i);
                for (int g = 0; g < names.size(); g++) {
                    values = put(values, names.get(g), m.group(g + 1));
                }
            }
        }
        return values == null ? Map.of() : values;
    }

    private static Map<String, String> put(Map<String, String> values, String name, String value) {
        Map<String, String> v = values == null ? new LinkedHashMap<>(4) : values;
        v.put(name, value);
        return v;
    }

    /** Path segments without the leading slash: {@code /a/b} → [a, b]; {@code /} → []. */
    static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty()) {
            return new String[0];
        }
        return p.split("/", -1);
    }
}
