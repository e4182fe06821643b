package dev.portcullis.kernel.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The gateway's log line for {@code java.util.logging}: {@code 2026-11-24T13:50:01.123Z INFO
 * [logger] message}, UTC, one line (plus a stack trace when there is one). It replaces
 * {@code SimpleFormatter}, whose {@code String.format} with date conversions parsed its pattern and
 * built a zoned date-time for every line — a visible cost where every MCP tool call writes an audit
 * line — and printed local time followed by a "Z" it did not mean. The date and time to the second
 * are formatted once per second.
 *
 * <p>Configured in {@code conf/logging.properties}:
 * {@code java.util.logging.ConsoleHandler.formatter=dev.portcullis.kernel.observe.LogLineFormatter}.
 */
public final class LogLineFormatter extends Formatter {

    private record Second(long epochSecond, String text) {}

    private volatile Second second = new Second(Long.MIN_VALUE, "");

    @Override
    public String format(LogRecord record) {
        long millis = record.getMillis();
        long epochSecond = Math.floorDiv(millis, 1000);
        Second s = second;
        if (s.epochSecond() != epochSecond) {
            s = new Second(epochSecond, DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                    LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC)));
            second = s;
        }
        String message = formatMessage(record);
        StringBuilder b = new StringBuilder(s.text().length() + 40 + message.length());
        int ms = (int) Math.floorMod(millis, 1000);
        b.append(s.text()).append('.').append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
                .append((char) ('0' + ms % 10)).append("Z ");
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
