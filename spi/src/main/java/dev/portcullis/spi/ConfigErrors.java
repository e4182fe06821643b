package dev.portcullis.spi;

/** Collects config errors with their YAML paths, e.g. {@code targets[0].url: not an absolute URL}. */
public interface ConfigErrors {

    /**
     * Records an error. {@code path} is relative to the record being validated ({@code url},
     * {@code targets[0].url}); an empty path means the record itself.
     */
    void add(String path, String message);

    /** A view that prefixes every path with {@code path}, for validating nested records. */
    ConfigErrors at(String path);
}
