package dev.portcullis.plugins.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Builds a store key such as {@code rl:3fa2b1c9|orders|consumer=acme|}. Values come from clients
 * (headers, claims): a value that is long or contains the separator is replaced by its hash, so
 * keys stay unambiguous and small.
 */
final class StoreKey implements KeyPart.Sink {

    private static final int MAX_PLAIN = 64;

    private final StringBuilder key = new StringBuilder(64);

    StoreKey(String namespace) {
        key.append("rl:").append(namespace).append('|');
    }

    /** Appends an unlabelled value (the route). */
    void value(String value) {
        appendSafe(value);
        key.append('|');
    }

    @Override
    public void part(KeyPart.Label label, String value) {
        key.append(label.text).append('=');
        appendSafe(value);
        key.append('|');
    }

    private void appendSafe(String value) {
        if (value.length() <= MAX_PLAIN && value.indexOf('|') < 0) {
            key.append(value);
        } else {
            key.append('#').append(hash(value));
        }
    }

    /** 128 bits of SHA-256, base64url: collisions are not a practical concern. */
    static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return key.toString();
    }
}
