package dev.portcullis.kernel.plugin;

import java.util.List;

/** Two or more factories claim the same type; the gateway refuses to start. */
public final class PluginConflictException extends RuntimeException {

    private final List<String> conflicts;

    PluginConflictException(List<String> conflicts) {
        super(String.join("\n", conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    /** One line per conflicting type, naming both providers. */
    public List<String> conflicts() {
        return conflicts;
    }
}
