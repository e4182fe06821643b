package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public names of federated tools and prompts. Prefixed: {@code <server>_<name>}, within
 * {@code ^[a-zA-Z0-9_-]{1,64}$}. Server names cannot contain '_', so the first '_' always splits a
 * public name back into server and upstream name. An upstream name that would break the pattern
 * (too long, other characters) is shortened and suffixed with a hash of the original; those few
 * are remembered so calls can be mapped back. Unprefixed: the upstream's own name; with several
 * servers each name's owner is learned from listings, and two servers offering one name is an error.
 */
final class Names {

    /**
     * Set on the exchange by the {@code mcp} backend when clients see the upstreams' own names, so
     * this plugin's policies also match rules written with those names.
     */
    static final AttributeKey<Boolean> UNPREFIXED = AttributeKey.of("mcp.unprefixed", Boolean.class);

    static final char SEPARATOR = '_';
    private static final int MAX = 64;
    private static final int HASH_CHARS = 8;
    private static final int MAX_REMEMBERED = 10_000;

    /** A public name split back into its parts. */
    record Target(String server, String name) {}

    private final Map<String, String> mangled = new ConcurrentHashMap<>();
    private final boolean prefixed;
    private final String onlyServer;
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    /** Prefixed names. */
    Names() {
        this(true, List.of());
    }

    /**
     * @param prefixed whether public names carry the server prefix
     * @param servers  the configured server names
     */
    Names(boolean prefixed, List<String> servers) {
        this.prefixed = prefixed;
        this.onlyServer = servers.size() == 1 ? servers.get(0) : null;
    }

    /** Whether public names carry the server prefix. */
    boolean prefixed() {
        return prefixed;
    }

    /** The public name of upstream {@code name} on {@code server}. */
    String publicName(String server, String name) {
        if (!prefixed) {
            if (onlyServer == null && owners.size() < MAX_REMEMBERED) {
                owners.put(name, server);
            }
            return name;
        }
        int room = MAX - server.length() - 1;
        if (name.length() <= room && isPlain(name)) {
            return server + SEPARATOR + name;
        }
        StringBuilder sb = new StringBuilder(MAX).append(server).append(SEPARATOR);
        int keep = Math.max(0, room - HASH_CHARS - 1);
        for (int i = 0; i < name.length() && i < keep; i++) {
            char c = name.charAt(i);
            sb.append(plain(c) ? c : '-');
        }
        sb.append('-').append(hash(name));
        String pub = sb.toString();
        if (mangled.size() < MAX_REMEMBERED) {
            mangled.put(pub, name);
        }
        return pub;
    }

    /** The server and upstream name behind {@code publicName}, or null if it names no known server. */
    Target resolve(String publicName, java.util.function.Predicate<String> isServer) {
        if (!prefixed) {
            String server = onlyServer != null ? onlyServer : owners.get(publicName);
            return server == null ? null : new Target(server, publicName);
        }
        int sep = publicName.indexOf(SEPARATOR);
        if (sep <= 0 || sep == publicName.length() - 1) {
            return null;
        }
        String server = publicName.substring(0, sep);
        if (!isServer.test(server)) {
            return null;
        }
        String original = mangled.get(publicName);
        return new Target(server, original != null ? original : publicName.substring(sep + 1));
    }

    private static boolean isPlain(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!plain(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean plain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, HASH_CHARS / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
