package dev.portcullis.inspect;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code Content-Type}: the lower-case essence ({@code application/json}) and charset.
 *
 * @param essence type/subtype, lower case
 * @param charset the declared charset, UTF-8 when absent or unknown
 */
record MediaType(String essence, Charset charset) {

    /** The media type of a header value, or {@code null} when there is none. */
    static MediaType parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        int semi = header.indexOf(';');
        String essence = (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        Charset charset = StandardCharsets.UTF_8;
        if (semi >= 0) {
            for (String param : header.substring(semi + 1).split(";")) {
                int eq = param.indexOf('=');
                if (eq > 0 && param.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                    charset = charset(param.substring(eq + 1).strip().replace("\"", ""));
                }
            }
        }
        return new MediaType(essence, charset);
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    boolean isJson() {
        return essence.equals("application/json") || essence.endsWith("+json");
    }

    boolean isForm() {
        return essence.equals("application/x-www-form-urlencoded");
    }

    /** Whether the essence matches one of {@code patterns} ({@code *} matches any characters). */
    boolean matchesAny(List<String> patterns) {
        for (String p : patterns) {
            if (glob(p, 0, essence, 0)) {
                return true;
            }
        }
        return false;
    }

    private static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = s.length(); k >= si; k--) {
                    if (glob(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || Character.toLowerCase(c) != s.charAt(si)) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
