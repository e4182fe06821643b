package dev.portcullis.plugins.lifecycle;

/** JSON pointer tokens (RFC 6901). */
final class Pointers {

    private Pointers() {}

    /** Escapes one reference token: {@code ~} → {@code ~0}, {@code /} → {@code ~1}. */
    static String escape(String token) {
        if (token.indexOf('~') < 0 && token.indexOf('/') < 0) {
            return token;
        }
        return token.replace("~", "~0").replace("/", "~1");
    }
}
