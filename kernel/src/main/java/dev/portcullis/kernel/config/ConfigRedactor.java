package dev.portcullis.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Makes a config tree safe to show ({@code GET /api/config}): every value that came from
 * {@code ${ENV}} substitution, and everything under a key that looks secret ({@code apiKey},
 * {@code password}, {@code clientSecret}, {@code token}, {@code authorization},
 * {@code privateKey}, ... in any case, with or without {@code -} / {@code _}), becomes
 * {@code "<redacted>"}. The shape stays: a list of three keys shows as three redacted values.
 */
public final class ConfigRedactor {

    /** What a hidden value reads as. */
    public static final String REDACTED = "<redacted>";

    private static final TextNode REDACTED_NODE = TextNode.valueOf(REDACTED);

    /** Secret key names, lower-case without '-' and '_'. */
    private static final Set<String> SECRET_NAMES = Set.of(
            "apikey", "apikeys", "password", "passwords", "secret", "secrets", "clientsecret", "token",
            "authorization", "privatekey", "credentials", "passphrase");

    /** Endings that make a name secret too: {@code x-api-key}, {@code adminPassword}, {@code accessToken}. */
    private static final String[] SECRET_SUFFIXES = {
        "apikey", "apikeys", "password", "secret", "privatekey", "accesstoken", "refreshtoken", "bearertoken",
        "authtoken", "sessiontoken"
    };

    private ConfigRedactor() {}

    /**
     * A redacted copy of {@code tree}; {@code substitutedPaths} are the paths
     * {@link ConfigLoader} filled from the environment. {@code tree} is not changed.
     */
    public static JsonNode redact(JsonNode tree, Set<String> substitutedPaths) {
        return copy(tree, "", substitutedPaths, false);
    }

    /** Whether a key names a secret. */
    public static boolean isSecretKey(String key) {
        String k = normalize(key);
        if (SECRET_NAMES.contains(k)) {
            return true;
        }
        for (String suffix : SECRET_SUFFIXES) {
            if (k.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode copy(JsonNode node, String path, Set<String> substituted, boolean secret) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String key = field.getKey();
                out.set(key, copy(field.getValue(), ConfigPath.key(path, key), substituted, secret || isSecretKey(key)));
            }
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(array.size());
            for (int i = 0; i < array.size(); i++) {
                out.add(copy(array.get(i), ConfigPath.index(path, i), substituted, secret));
            }
            return out;
        }
        if (node.isNull() || node.isMissingNode()) {
            return node; // nothing to hide; shows the value is unset
        }
        return secret || substituted.contains(path) ? REDACTED_NODE : node;
    }

    private static String normalize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '-' && c != '_') {
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
