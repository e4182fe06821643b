package dev.portcullis.kernel.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config that cannot be used, with every problem found. The message is one {@code path: message}
 * line per error, ready for the log or the admin API.
 */
public final class ConfigInvalidException extends RuntimeException {

    private final List<ConfigError> errors;

    /** A config with these errors; there must be at least one. */
    public ConfigInvalidException(List<ConfigError> errors) {
        super(render(errors), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigInvalidException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** A config with one error. */
    public ConfigInvalidException(String path, String message) {
        this(List.of(new ConfigError(path, message)));
    }

    /** The errors, in the order they were found. */
    public List<ConfigError> errors() {
        return errors;
    }

    /** The errors as {@code path: message} lines. */
    public List<String> lines() {
        return errors.stream().map(ConfigError::toString).toList();
    }

    private static String render(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
    }
}
