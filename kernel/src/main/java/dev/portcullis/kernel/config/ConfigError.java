package dev.portcullis.kernel.config;

/**
 * One problem in a config.
 *
 * @param path    where, as a YAML path ({@code routes[0].match.path}); empty for the file as a whole
 * @param message what is wrong, for a human
 */
public record ConfigError(String path, String message) {

    /** Null path becomes empty. */
    public ConfigError {
        path = path == null ? "" : path;
    }

    /** {@code path: message}, or just the message when there is no path. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
