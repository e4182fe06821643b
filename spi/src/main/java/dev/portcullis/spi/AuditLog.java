package dev.portcullis.spi;

/**
 * Where policies record their decisions ({@link PluginContext#audit()}). The kernel's audit log
 * writes each event as one JSON line to the {@code portcullis.audit} logger and keeps the most
 * recent ones in memory for {@code GET /api/audit} and the dashboard. Recording is cheap and never
 * throws.
 */
@FunctionalInterface
public interface AuditLog {

    /** Records {@code event}. */
    void record(AuditEvent event);

    /** An audit log that drops everything (for tests of components that do not audit). */
    static AuditLog discarding() {
        return event -> { };
    }
}
