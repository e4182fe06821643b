package dev.portcullis.kernel.config;

import dev.portcullis.spi.ConfigErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's {@link ConfigErrors}: collects every error with its full path. Views made with
 * {@link #at(String)} share the same list and prefix what they add.
 */
public final class ConfigErrorList implements ConfigErrors {

    private final List<ConfigError> errors;
    private final String prefix;

    /** An empty list at the root of the config. */
    public ConfigErrorList() {
        this(new ArrayList<>(), "");
    }

    private ConfigErrorList(List<ConfigError> errors, String prefix) {
        this.errors = errors;
        this.prefix = prefix;
    }

    @Override
    public void add(String path, String message) {
        errors.add(new ConfigError(ConfigPath.join(prefix, path), message));
    }

    @Override
    public ConfigErrorList at(String path) {
        return new ConfigErrorList(errors, ConfigPath.join(prefix, path));
    }

    /** The path this view prefixes. */
    public String prefix() {
        return prefix;
    }

    /** All errors collected so far (through any view), in the order they were found. */
    public List<ConfigError> errors() {
        return List.copyOf(errors);
    }

    /** How many errors were collected so far, through any view. */
    public int size() {
        return errors.size();
    }

    /** Whether no error was collected. */
    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** @throws ConfigInvalidException if any error was collected */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ConfigInvalidException(errors);
        }
    }
}
