package dev.portcullis.plugins.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers for comparing and caching secrets without keeping them in clear. */
final class Digests {

    private Digests() {}

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of {@code bytes}. */
    static byte[] sha256(byte[] bytes) {
        return newSha256().digest(bytes);
    }

    /** A fresh SHA-256 digest (MessageDigest is not thread-safe; creating one is cheap). */
    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Hex of a digest, for cache keys. */
    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
