package dev.portcullis.spi;

/**
 * A config that binds but cannot be used (a file that does not exist, a component that is not
 * declared). Thrown from factories; the kernel prefixes {@code path} with where the config sits.
 */
public class ConfigException extends RuntimeException {

    private final String path;

    /** An error about the config at {@code path} (relative; may be empty). */
    public ConfigException(String path, String message) {
        super(message);
        this.path = path == null ? "" : path;
    }

    /** An error about the config as a whole. */
    public ConfigException(String message) {
        this("", message);
    }

    /** The relative path of the offending value. */
    public String path() {
        return path;
    }
}
