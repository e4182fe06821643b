package dev.portcullis.kernel.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The gateway's log line for {@code java.util.logging}: {@code 2026-11-24T13:50:01.123Z INFO
 * [logger] message}, UTC, one line (plus a stack trace when there is one). It replaces
 * {@code SimpleFormatter}, whose {@code String.format} with date conversions parsed its pattern and
 * built a zoned date-time for every line — a visible cost where every MCP tool call writes an audit
 * line — and printed local time followed by a "Z" it did not mean. The date and time to the second
 * are formatted once per second ({@link IsoSeconds}).
 *
 * <p>Configured in {@code conf/logging.properties}:
 * {@code dev.portcullis.kernel.observe.BackgroundConsoleHandler.formatter=dev.portcullis.kernel.observe.LogLineFormatter}.
 */
public final class LogLineFormatter extends Formatter {

    private final IsoSeconds seconds = new IsoSeconds();

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        StringBuilder b = new StringBuilder(64 + message.length());
        seconds.appendMillis(b, record.getMillis()).append(' ');
        String level = record.getLevel().getLocalizedName();
        b.append(level);
        for (int i = level.length(); i < 7; i++) {
            b.append(' ');
        }
        b.append(" [").append(record.getLoggerName()).append("] ").append(message);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter pw = new PrintWriter(trace)) {
                pw.println();
                record.getThrown().printStackTrace(pw);
            }
            b.append(trace);
        }
        return b.append(System.lineSeparator()).toString();
    }
}
