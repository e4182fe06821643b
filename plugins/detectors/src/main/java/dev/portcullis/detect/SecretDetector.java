package dev.portcullis.detect;

import java.util.List;

/**
 * Credentials: AWS access key ids, GitHub tokens, Slack tokens, OpenAI / Anthropic style
 * {@code sk-...} keys, Stripe secret keys, Google API keys, JWTs, PEM private key blocks, and
 * high-entropy values assigned to a secret-sounding name ({@code api_key=...}, or a JSON member
 * {@code "client_secret": "..."}).
 *
 * <p>One pass: each token shape is recognised by its literal prefix at a word start, so no
 * pattern is tried at every position.
 */
public final class SecretDetector implements Detector {

    /** The detector's name. */
    public static final String NAME = "secret";

    /** A token recognised by a literal prefix followed by a body of allowed characters. */
    private record Shape(String prefix, int minBody, int maxBody, boolean underscore, boolean dash, boolean upperOnly) {}

    private static final Shape[] SHAPES = {
        new Shape("AKIA", 16, 16, false, false, true),
        new Shape("ASIA", 16, 16, false, false, true),
        new Shape("ABIA", 16, 16, false, false, true),
        new Shape("ACCA", 16, 16, false, false, true),
        new Shape("AIza", 35, 35, true, true, false),
        new Shape("ghp_", 36, 255, false, false, false),
        new Shape("gho_", 36, 255, false, false, false),
        new Shape("ghu_", 36, 255, false, false, false),
        new Shape("ghs_", 36, 255, false, false, false),
        new Shape("ghr_", 36, 255, false, false, false),
        new Shape("github_pat_", 22, 255, true, false, false),
        new Shape("xoxb-", 10, 255, false, true, false),
        new Shape("xoxp-", 10, 255, false, true, false),
        new Shape("xoxa-", 10, 255, false, true, false),
        new Shape("xoxr-", 10, 255, false, true, false),
        new Shape("xoxs-", 10, 255, false, true, false),
        new Shape("xoxe-", 10, 255, false, true, false),
        new Shape("sk-", 20, 255, true, true, false),          // OpenAI sk-..., sk-proj-..., Anthropic sk-ant-...
        new Shape("sk_live_", 16, 255, false, false, false),   // Stripe
        new Shape("rk_live_", 16, 255, false, false, false),
    };

    /** Name fragments that make a value under that name a credential. */
    private static final String[] SECRET_NAMES = {
        "apikey", "api_key", "secret", "token", "password", "passwd", "access_key", "private_key", "credential", "auth",
    };

    /** First characters of the shapes' prefixes, to skip most words after one array read. */
    private static final boolean[] SHAPE_START = new boolean[128];

    static {
        for (Shape shape : SHAPES) {
            SHAPE_START[shape.prefix.charAt(0)] = true;
        }
    }

    private static final int MIN_ASSIGNED = 12;
    private static final double MIN_ENTROPY = 3.0;
    private static final String PEM_BEGIN = "-----BEGIN ";
    private static final String PEM_END = "-----END ";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void scan(CharSequence text, List<Span> out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            int end = -1;
            double confidence = 0.95;
            if (c == '-' && startsWith(text, i, PEM_BEGIN)) {
                end = pemEnd(text, i);
            } else if (c == 'e' && Chars.boundaryBefore(text, i)) {
                end = jwtEnd(text, i);
            } else if ((c == '=' || c == ':') && i > 0) {
                int valueStart = assignedValueStart(text, i);
                if (valueStart > 0) {
                    int valueEnd = tokenEnd(text, valueStart);
                    if (looksRandom(text, valueStart, valueEnd)) {
                        out.add(new Span(valueStart, valueEnd, NAME, 0.7));
                        i = valueEnd;
                        continue;
                    }
                }
            } else if (c < 128 && SHAPE_START[c] && Chars.boundaryBefore(text, i)) {
                end = shapeEnd(text, i);
            }
            if (end > i) {
                out.add(new Span(i, end, NAME, confidence));
                i = end;
            } else {
                i++;
            }
        }
    }

    @Override
    public void scanField(String name, CharSequence value, List<Span> out) {
        int before = out.size();
        scan(value, out);
        if (out.size() == before && name != null && secretName(name) && looksRandom(value, 0, value.length())
                && tokenEnd(value, 0) == value.length()) {
            out.add(new Span(0, value.length(), NAME, 0.7));
        }
    }

    private static int shapeEnd(CharSequence text, int i) {
        for (Shape shape : SHAPES) {
            if (!startsWith(text, i, shape.prefix)) {
                continue;
            }
            int bodyStart = i + shape.prefix.length();
            int j = bodyStart;
            int n = text.length();
            while (j < n && j - bodyStart < shape.maxBody && bodyChar(text.charAt(j), shape)) {
                j++;
            }
            int body = j - bodyStart;
            if (body >= shape.minBody && Chars.boundaryAt(text, j) && (j >= n || !bodyChar(text.charAt(j), shape))) {
                return j;
            }
        }
        return -1;
    }

    private static boolean bodyChar(char c, Shape shape) {
        if (shape.upperOnly) {
            return Chars.isUpper(c) || Chars.isDigit(c);
        }
        return Chars.isAlnum(c) || (shape.underscore && c == '_') || (shape.dash && c == '-');
    }

    /** A JWT: three base64url segments, the first two JSON objects ({@code eyJ}). */
    private static int jwtEnd(CharSequence text, int i) {
        if (!startsWith(text, i, "eyJ")) {
            return -1;
        }
        int j = segmentEnd(text, i);
        if (j - i < 10 || j >= text.length() || text.charAt(j) != '.' || !startsWith(text, j + 1, "eyJ")) {
            return -1;
        }
        int k = segmentEnd(text, j + 1);
        if (k - j < 10 || k >= text.length() || text.charAt(k) != '.') {
            return -1;
        }
        int end = segmentEnd(text, k + 1);
        return end - k > 10 ? end : -1;
    }

    private static int segmentEnd(CharSequence text, int i) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (!Chars.isAlnum(c) && c != '-' && c != '_') {
                break;
            }
            i++;
        }
        return i;
    }

    /** A PEM private key block, to its END line or, if cut off, to the end of the text. */
    private static int pemEnd(CharSequence text, int i) {
        int n = text.length();
        int labelEnd = indexOf(text, "-----", i + PEM_BEGIN.length(), Math.min(n, i + 80));
        if (labelEnd < 0 || !endsWith(text, labelEnd, "PRIVATE KEY")) {
            return -1;
        }
        int endLine = indexOf(text, PEM_END, labelEnd + 5, n);
        if (endLine < 0) {
            return n;
        }
        int close = indexOf(text, "-----", endLine + PEM_END.length(), Math.min(n, endLine + 80));
        return close < 0 ? n : close + 5;
    }

    /**
     * For an '=' or ':' at {@code op} preceded by a secret-sounding name (quotes and spaces
     * allowed around it), where the value starts; else -1.
     */
    private static int assignedValueStart(CharSequence text, int op) {
        int j = op - 1;
        int quotes = 0;
        while (j >= 0 && (text.charAt(j) == '"' || text.charAt(j) == '\'' || text.charAt(j) == ' ') && quotes < 3) {
            j--;
            quotes++;
        }
        int nameEnd = j + 1;
        while (j >= 0 && nameEnd - j <= 40 && (Chars.isAlnum(text.charAt(j)) || text.charAt(j) == '_' || text.charAt(j) == '-')) {
            j--;
        }
        if (nameEnd - j - 1 < 3 || !secretName(text, j + 1, nameEnd)) {
            return -1;
        }
        int v = op + 1;
        int n = text.length();
        int skipped = 0;
        while (v < n && skipped < 3 && (text.charAt(v) == ' ' || text.charAt(v) == '"' || text.charAt(v) == '\'')) {
            v++;
            skipped++;
        }
        return v < n ? v : -1;
    }

    static boolean secretName(CharSequence name) {
        return secretName(name, 0, name.length());
    }

    /** Whether {@code s[start, end)} contains a secret-sounding fragment, ignoring case, '-' as '_'. */
    private static boolean secretName(CharSequence s, int start, int end) {
        for (String fragment : SECRET_NAMES) {
            for (int i = start; i + fragment.length() <= end; i++) {
                int k = 0;
                while (k < fragment.length() && normal(s.charAt(i + k)) == fragment.charAt(k)) {
                    k++;
                }
                if (k == fragment.length()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static char normal(char c) {
        return c == '-' ? '_' : (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
    }

    private static int tokenEnd(CharSequence text, int i) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (!Chars.isAlnum(c) && "_-+/=.~!@#$%^*".indexOf(c) < 0) {
                break;
            }
            i++;
        }
        return i;
    }

    private static boolean looksRandom(CharSequence text, int start, int end) {
        if (end - start < MIN_ASSIGNED || end - start > 1024) {
            return false;
        }
        boolean digit = false;
        boolean letter = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            digit |= Chars.isDigit(c);
            letter |= Chars.isLetter(c);
        }
        return digit && letter && Chars.entropy(text, start, end) >= MIN_ENTROPY;
    }

    private static boolean startsWith(CharSequence s, int i, String prefix) {
        if (i + prefix.length() > s.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (s.charAt(i + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(CharSequence s, int end, String suffix) {
        return end >= suffix.length() && startsWith(s, end - suffix.length(), suffix);
    }

    private static int indexOf(CharSequence s, String needle, int from, int to) {
        for (int i = from; i + needle.length() <= to; i++) {
            if (startsWith(s, i, needle)) {
                return i;
            }
        }
        return -1;
    }
}
