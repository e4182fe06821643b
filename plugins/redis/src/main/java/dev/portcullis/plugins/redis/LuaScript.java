package dev.portcullis.plugins.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run by its SHA-1 digest ({@code EVALSHA}); when the server no longer knows it
 * (a restart, {@code SCRIPT FLUSH}) it is loaded again and the call repeated.
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final String digest;
    private final ScriptOutputType output;

    private LuaScript(String name, String source, ScriptOutputType output) {
        this.name = name;
        this.source = source;
        this.digest = sha1(source);
        this.output = output;
    }

    /** Loads the script resource {@code name} next to this class; it returns {@code output}. */
    static LuaScript load(String name, ScriptOutputType output) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the script on one key: a Long for {@code INTEGER}, a List of Longs for {@code MULTI}. */
    @SuppressWarnings("unchecked")
    <T> T run(RedisCommands<String, byte[]> commands, String key, byte[]... args) {
        String[] keys = {key};
        try {
            return (T) commands.evalsha(digest, output, keys, args);
        } catch (RedisNoScriptException e) {
            commands.scriptLoad(source);
            return (T) commands.evalsha(digest, output, keys, args);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
