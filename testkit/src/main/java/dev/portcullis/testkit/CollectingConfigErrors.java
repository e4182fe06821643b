package dev.portcullis.testkit;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ConfigErrors} that keeps what a {@link Validatable} reports, with full paths the way
 * the kernel builds them: {@code at("targets").add("[0].url", ...)} is {@code targets[0].url},
 * {@code at("retry").add("attempts", ...)} is {@code retry.attempts}.
 *
 * <pre>{@code
 * assertThat(CollectingConfigErrors.of(new MyConfig(-1, null))).containsExactly(
 *         "limit: must be positive",
 *         ": give at least one of a, b");          // a problem with the record itself: empty path
 * }</pre>
 */
public final class CollectingConfigErrors implements ConfigErrors {

    /**
     * One reported problem.
     *
     * @param path    the full path, empty for the validated record itself
     * @param message what is wrong
     */
    public record Entry(String path, String message) {

        /** {@code path: message}; the path is empty for the record itself. */
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private final List<Entry> entries;
    private final String prefix;

    /** An empty collector at the root of the record being validated. */
    public CollectingConfigErrors() {
        this(new ArrayList<>(), "");
    }

    private CollectingConfigErrors(List<Entry> entries, String prefix) {
        this.entries = entries;
        this.prefix = prefix;
    }

    /** Validates {@code config} and returns its problems as {@code path: message} lines, in order. */
    public static List<String> of(Validatable config) {
        CollectingConfigErrors errors = new CollectingConfigErrors();
        config.validate(errors);
        return errors.lines();
    }

    @Override
    public void add(String path, String message) {
        entries.add(new Entry(join(prefix, path), message));
    }

    /** A view that adds to the same list with {@code path} in front. */
    @Override
    public CollectingConfigErrors at(String path) {
        return new CollectingConfigErrors(entries, join(prefix, path));
    }

    /** Everything reported so far through this collector and its views. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The problems as {@code path: message} lines. */
    public List<String> lines() {
        return entries.stream().map(Entry::toString).toList();
    }

    /** Just the paths, in order. */
    public List<String> paths() {
        return entries.stream().map(Entry::path).toList();
    }

    /** Whether nothing was reported. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The kernel's rule: an index ({@code [0]}) attaches without a dot. */
    private static String join(String prefix, String relative) {
        if (relative == null || relative.isEmpty()) {
            return prefix;
        }
        if (prefix.isEmpty()) {
            return relative;
        }
        return relative.startsWith("[") ? prefix + relative : prefix + "." + relative;
    }
}
