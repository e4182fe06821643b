package dev.portcullis.plugins.llm;

import dev.portcullis.spi.ConfigErrors;
import java.util.ArrayList;
import java.util.List;

/** Collects config errors as {@code path: message} lines. */
final class RecordingErrors implements ConfigErrors {

    final List<String> lines;
    private final String prefix;

    RecordingErrors() {
        this(new ArrayList<>(), "");
    }

    private RecordingErrors(List<String> lines, String prefix) {
        this.lines = lines;
        this.prefix = prefix;
    }

    @Override
    public void add(String path, String message) {
        String full = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
        lines.add(full + ": " + message);
    }

    @Override
    public ConfigErrors at(String path) {
        return new RecordingErrors(lines, prefix.isEmpty() ? path : prefix + "." + path);
    }
}
