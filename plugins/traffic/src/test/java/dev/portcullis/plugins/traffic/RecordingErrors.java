package dev.portcullis.plugins.traffic;

import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.util.ArrayList;
import java.util.List;

/** Collects validation errors as "path: message" lines, the way the kernel reports them. */
final class RecordingErrors implements ConfigErrors {

    private final String prefix;
    private final List<String> lines;

    private RecordingErrors(String prefix, List<String> lines) {
        this.prefix = prefix;
        this.lines = lines;
    }

    /** The errors {@code config} reports. */
    static List<String> of(Validatable config) {
        RecordingErrors errors = new RecordingErrors("", new ArrayList<>());
        config.validate(errors);
        return errors.lines;
    }

    @Override
    public void add(String path, String message) {
        String full = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
        lines.add(full + ": " + message);
    }

    @Override
    public ConfigErrors at(String path) {
        return new RecordingErrors(prefix.isEmpty() ? path : prefix + "." + path, lines);
    }
}
