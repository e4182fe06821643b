package dev.portcullis.plugins.auth;

import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Consumer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The consumers' API keys as SHA-256 digests, matched in constant time.
 *
 * <p>A presented key is hashed once and compared with every stored digest using
 * {@link MessageDigest#isEqual}, without stopping at a match: the time taken depends on the number
 * of keys only, never on which consumer's key is close to the presented one.
 */
final class ApiKeyIndex {

    private static final String HASH_PREFIX = "sha256:";

    private final byte[][] digests;
    private final Consumer[] owners;

    private ApiKeyIndex(byte[][] digests, Consumer[] owners) {
        this.digests = digests;
        this.owners = owners;
    }

    /**
     * Indexes every key of every consumer.
     *
     * @throws ConfigException for a malformed {@code sha256:} hash, an empty key, or a key shared by two consumers
     */
    static ApiKeyIndex of(List<Consumer> consumers) {
        List<byte[]> digests = new ArrayList<>();
        List<Consumer> owners = new ArrayList<>();
        for (Consumer c : consumers) {
            for (int i = 0; i < c.apiKeys().size(); i++) {
                byte[] digest = digestOf(c, i);
                for (int j = 0; j < digests.size(); j++) {
                    if (MessageDigest.isEqual(digests.get(j), digest)) {
                        throw new ConfigException("consumers", "consumer '" + c.name() + "' has an API key that consumer '"
                                + owners.get(j).name() + "' has too");
                    }
                }
                digests.add(digest);
                owners.add(c);
            }
        }
        return new ApiKeyIndex(digests.toArray(byte[][]::new), owners.toArray(Consumer[]::new));
    }

    private static byte[] digestOf(Consumer c, int i) {
        String key = c.apiKeys().get(i);
        String where = "consumer '" + c.name() + "' apiKeys[" + i + "]";
        if (key == null || key.isBlank()) {
            throw new ConfigException("consumers", where + " is empty (is its environment variable set?)");
        }
        if (key.regionMatches(true, 0, HASH_PREFIX, 0, HASH_PREFIX.length())) {
            String hex = key.substring(HASH_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (hex.length() != 64 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
                throw new ConfigException("consumers", where + " is not sha256: followed by 64 hex digits");
            }
            return HexFormat.of().parseHex(hex);
        }
        return Digests.sha256(key);
    }

    /** Whether no consumer has a key. */
    boolean isEmpty() {
        return digests.length == 0;
    }

    /** The consumer owning {@code presentedKey}, or null. */
    Consumer find(String presentedKey) {
        byte[] presented = Digests.sha256(presentedKey);
        Consumer found = null;
        for (int i = 0; i < digests.length; i++) {
            // No early exit: every digest is compared whatever matched before.
            if (MessageDigest.isEqual(digests[i], presented)) {
                found = owners[i];
            }
        }
        return found;
    }
}
