package dev.portcullis.spi;

/**
 * A config record that checks itself after binding. Report every problem, not just the first:
 * the operator sees them all at once, each with its YAML path.
 */
public interface Validatable {

    /** Adds one entry to {@code errors} per problem, with a path relative to this record. */
    void validate(ConfigErrors errors);
}
