package dev.portcullis.plugins.mcp;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Name globs of the MCP policies: {@code *} matches any run of characters, {@code ?} one; all
 * else is literal. Compiled once, when the config is loaded.
 */
final class Globs {

    private final List<Pattern> patterns;
    private final boolean any;

    private Globs(List<Pattern> patterns, boolean any) {
        this.patterns = patterns;
        this.any = any;
    }

    /** Globs matching a name when any of {@code globs} matches it; none match nothing. */
    static Globs of(List<String> globs) {
        boolean any = globs.contains("*");
        return new Globs(globs.stream().map(Globs::compile).toList(), any);
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder(glob.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    boolean matches(String name) {
        if (any) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return patterns.isEmpty();
    }
}
