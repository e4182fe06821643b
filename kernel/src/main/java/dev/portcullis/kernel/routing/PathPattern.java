package dev.portcullis.kernel.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A route's path condition: exact ({@code /health}), prefix on segment boundaries
 * ({@code /api} takes {@code /api} and {@code /api/x}, never {@code /apix}) or template
 * ({@code /users/{id}/orders}). Compiled once per config; matching allocates only for templates.
 */
public sealed interface PathPattern {

    /** Whether {@code path} (normalised, decoded) matches; fills {@code params} for templates. */
    boolean matches(String path, Map<String, String> params);

    /** The first literal segment, or {@code null} when the pattern can start with anything. */
    String firstSegment();

    /**
     * Specificity for ordering: exact beats template beats prefix; within a kind, more literal
     * characters win.
     */
    int specificity();

    /** Parses a {@code path:} (exact or template) or {@code pathPrefix:} value. */
    static PathPattern of(String path, String pathPrefix) {
        if (pathPrefix != null) {
            return new Prefix(trimTrailingSlash(pathPrefix));
        }
        if (path == null) {
            return new Prefix("");
        }
        return path.indexOf('{') >= 0 ? Template.parse(path) : new Exact(path);
    }

    private static String trimTrailingSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String firstSegmentOf(String p) {
        int start = p.startsWith("/") ? 1 : 0;
        int end = p.indexOf('/', start);
        String seg = end < 0 ? p.substring(start) : p.substring(start, end);
        return seg.isEmpty() || seg.indexOf('{') >= 0 ? null : seg;
    }

    /** An exact path. */
    record Exact(String path) implements PathPattern {
        @Override
        public boolean matches(String p, Map<String, String> params) {
            return path.equals(p);
        }

        @Override
        public String firstSegment() {
            return firstSegmentOf(path);
        }

        @Override
        public int specificity() {
            return 3_000_000 + path.length();
        }
    }

    /** A prefix on segment boundaries; the empty prefix matches everything. */
    record Prefix(String prefix) implements PathPattern {
        @Override
        public boolean matches(String p, Map<String, String> params) {
            if (!p.startsWith(prefix)) {
                return false;
            }
            return p.length() == prefix.length() || p.charAt(prefix.length()) == '/' || prefix.isEmpty();
        }

        @Override
        public String firstSegment() {
            // "/api" has first segment "api"; the empty prefix and "/" match any first segment.
            return firstSegmentOf(prefix);
        }

        @Override
        public int specificity() {
            return 1_000_000 + prefix.length();
        }
    }

    /** A template: literal segments and {@code {name}} segments, each matching one segment. */
    record Template(String source, String[] literals, String[] names) implements PathPattern {

        static Template parse(String source) {
            String body = source.startsWith("/") ? source.substring(1) : source;
            String[] segs = body.split("/", -1);
            String[] literals = new String[segs.length];
            String[] names = new String[segs.length];
            for (int i = 0; i < segs.length; i++) {
                String s = segs[i];
                if (s.length() > 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') {
                    names[i] = s.substring(1, s.length() - 1);
                } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                    throw new IllegalArgumentException("a template segment is either literal or a whole {name}: '" + s + "'");
                } else {
                    literals[i] = s;
                }
            }
            return new Template(source, literals, names);
        }

        @Override
        public boolean matches(String p, Map<String, String> params) {
            int pos = p.startsWith("/") ? 1 : 0;
            int n = literals.length;
            List<String> values = null;
            for (int i = 0; i < n; i++) {
                int end = p.indexOf('/', pos);
                boolean last = i == n - 1;
                if (last ? end >= 0 : end < 0) {
                    return false;
                }
                if (last) {
                    end = p.length();
                }
                if (literals[i] != null) {
                    if (end - pos != literals[i].length() || !p.startsWith(literals[i], pos)) {
                        return false;
                    }
                } else {
                    if (end == pos) {
                        return false; // an empty segment is not a value
                    }
                    if (values == null) {
                        values = new ArrayList<>(n);
                    }
                    values.add(p.substring(pos, end));
                }
                pos = end + 1;
            }
            if (values != null && params != null) {
                int v = 0;
                for (String name : names) {
                    if (name != null) {
                        params.put(name, values.get(v++));
                    }
                }
            }
            return true;
        }

        @Override
        public String firstSegment() {
            return literals.length > 0 && literals[0] != null && !literals[0].isEmpty() ? literals[0] : null;
        }

        @Override
        public int specificity() {
            int literalChars = 0;
            for (String l : literals) {
                literalChars += l == null ? 0 : l.length() + 1;
            }
            return 2_000_000 + literals.length * 1000 + literalChars;
        }
    }
}
