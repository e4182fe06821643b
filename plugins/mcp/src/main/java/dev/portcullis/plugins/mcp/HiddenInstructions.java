package dev.portcullis.plugins.mcp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Built-in scan of tool descriptions for tool poisoning: characters a human reviewer does not see
 * (Unicode tag characters, zero-width characters, bidirectional controls) and phrases that address
 * the model rather than describe the tool (instruction overrides, secrecy towards the user,
 * reading secrets, sending data out). Findings are short names, never the text.
 */
final class HiddenInstructions {

    /** A phrase pattern and the finding it reports. */
    private record Rule(String name, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            rule("hidden-tag", "<\\s*/?\\s*(important|system|instructions?|secret|hidden)\\b[^>]{0,40}>"),
            rule("instruction-override", "\\b(ignore|disregard|forget|override)\\s+(all\\s+|any\\s+|the\\s+)?"
                    + "(previous|prior|above|earlier|other|system)\\s+(instructions?|prompts?|rules|messages|directions)"),
            rule("secrecy", "\\b(do\\s+not|don'?t|never)\\s+(tell|inform|mention|reveal|show|disclose)\\b.{0,30}\\b(user|human|anyone)"),
            rule("secrecy", "\\bwithout\\s+(telling|informing|notifying)\\s+the\\s+(user|human)"),
            rule("sensitive-file", "(~/\\.ssh|\\bid_(rsa|ed25519|ecdsa)\\b|\\.aws/credentials|/etc/(passwd|shadow)|\\.env\\b|"
                    + "\\.npmrc|\\.netrc|\\.git-credentials|mcp\\.json|\\bprivate\\s+key)"),
            rule("read-then-use", "\\b(first|before\\s+(using|calling|answering|responding))\\b.{0,40}\\b(read|open|cat|load|fetch)\\b"),
            rule("exfiltration", "\\b(send|post|upload|forward|e-?mail|exfiltrate|transmit|leak)\\b.{0,60}"
                    + "(https?://|\\b[\\w.+-]+@[\\w-]+\\.[\\w.]+)"),
            rule("tool-shadowing", "\\b(instead\\s+of|rather\\s+than)\\s+(using|calling)\\s+(the\\s+)?\\S+\\s+tool\\b"),
            rule("role-hijack", "\\b(you\\s+are\\s+now|act\\s+as|new\\s+instructions?|system\\s+prompt)\\b"));

    private HiddenInstructions() {}

    private static Rule rule(String name, String regex) {
        return new Rule(name, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    /** The findings in one text, e.g. {@code [invisible-unicode:tag, hidden-tag]}; empty when clean. */
    static Set<String> scan(String text) {
        Set<String> found = new LinkedHashSet<>();
        if (text == null || text.isEmpty()) {
            return found;
        }
        text.codePoints().forEach(cp -> {
            String kind = invisible(cp);
            if (kind != null) {
                found.add("invisible-unicode:" + kind);
            }
        });
        for (Rule r : RULES) {
            if (r.pattern.matcher(text).find()) {
                found.add(r.name);
            }
        }
        return found;
    }

    /** The kind of an invisible or direction-changing code point, or null for any other. */
    static String invisible(int cp) {
        if (cp >= 0xE0000 && cp <= 0xE007F) {
            return "tag"; // renders as nothing, yet models read it as ASCII
        }
        if (cp >= 0x200B && cp <= 0x200D || cp == 0x2060 || cp == 0xFEFF || cp == 0x180E || cp == 0x2061
                || cp == 0x2062 || cp == 0x2063 || cp == 0x2064 || cp == 0x00AD) {
            return "zero-width";
        }
        if (cp >= 0x202A && cp <= 0x202E || cp >= 0x2066 && cp <= 0x2069 || cp == 0x200E || cp == 0x200F || cp == 0x061C) {
            return "bidi";
        }
        return null;
    }

    /**
     * The texts of a tool definition a model reads: its description and title, and every
     * {@code description} and {@code title} inside its input schema (at any depth).
     */
    static List<String> texts(Map<String, Object> definition) {
        List<String> out = new ArrayList<>();
        add(out, definition.get("description"));
        add(out, definition.get("title"));
        collect(definition.get("inputSchema"), out, 0);
        return out;
    }

    private static void collect(Object node, List<String> out, int depth) {
        if (depth > 32) {
            return;
        }
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (("description".equals(e.getKey()) || "title".equals(e.getKey())) && e.getValue() instanceof String s) {
                    out.add(s);
                } else {
                    collect(e.getValue(), out, depth + 1);
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                collect(o, out, depth + 1);
            }
        } else if (node instanceof String s && depth > 0 && s.codePoints().anyMatch(cp -> invisible(cp) != null)) {
            out.add(s); // enum values and defaults: only their invisible characters count
        }
    }

    private static void add(List<String> out, Object o) {
        if (o instanceof String s) {
            out.add(s);
        }
    }
}
