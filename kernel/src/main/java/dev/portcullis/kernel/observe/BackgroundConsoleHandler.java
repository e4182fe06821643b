package dev.portcullis.kernel.observe;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * JUL's {@code ConsoleHandler} (standard error, one formatted line per record) with the writing
 * moved off the logging thread: lines are formatted by the caller, queued, and written by one
 * background thread every {@value #DRAIN_MILLIS} ms, many lines per write ({@link BatchedWriter}).
 *
 * <p>Why: every MCP tool call writes an audit line, and {@code ConsoleHandler} wrote and flushed
 * each one under its lock on the request's thread — one system call per call, and where standard
 * error is a pipe (systemd, containers) a wake-up of the reader too. The access log has been
 * written this way from the start ({@link AccessLog}).
 *
 * <p>Nothing is dropped: when {@value #CAPACITY} lines are waiting, the caller writes its line
 * itself (backpressure instead of loss). {@code SEVERE} records are written at once, after what is
 * queued, so a fatal error is on the terminal before the process can die; so is everything
 * logged after {@link #close()} (the log manager closes handlers in its shutdown hook, while other
 * hooks may still log). A crash that kills the process outright loses at most the last
 * {@value #DRAIN_MILLIS} ms of lines; the audit ring and metrics are unaffected.
 *
 * <p>Configured like {@code ConsoleHandler} in {@code conf/logging.properties}:
 * {@code dev.portcullis.kernel.observe.BackgroundConsoleHandler.level} (default {@code INFO}) and
 * {@code .formatter} (default {@code SimpleFormatter}).
 */
public final class BackgroundConsoleHandler extends Handler {

    static final int CAPACITY = 65_536;
    static final long DRAIN_MILLIS = 20;

    private final BatchedWriter<String> lines;
    private volatile boolean closed;

    /** The handler {@code logging.properties} names: standard error, configured from the log manager. */
    public BackgroundConsoleHandler() {
        this(System.err, CAPACITY, TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
        LogManager manager = LogManager.getLogManager();
        String prefix = getClass().getName();
        String level = manager.getProperty(prefix + ".level");
        try {
            setLevel(level == null ? Level.INFO : Level.parse(level.strip()));
        } catch (IllegalArgumentException e) { // a typo must not leave the gateway without a log
            reportError("level " + level + " is not a level; using INFO", e, ErrorManager.OPEN_FAILURE);
            setLevel(Level.INFO);
        }
        String formatter = manager.getProperty(prefix + ".formatter");
        try {
            setFormatter(formatter == null ? new SimpleFormatter()
                    : (Formatter) ClassLoader.getSystemClassLoader().loadClass(formatter.strip())
                            .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | ClassCastException e) {
            reportError("formatter " + formatter + " could not be created", e, ErrorManager.OPEN_FAILURE);
            setFormatter(new SimpleFormatter());
        }
    }

    BackgroundConsoleHandler(PrintStream out, int capacity, long drainNanos) {
        setFormatter(new SimpleFormatter());
        // a PrintStream keeps its errors to itself, as ConsoleHandler's did: no write failure to report
        this.lines = new BatchedWriter<>("portcullis-log-writer", capacity, drainNanos, (line, b) -> b.append(line),
                out, out.charset(), () -> { });
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        if (closed || record.getLevel().intValue() >= Level.SEVERE.intValue() || !lines.offer(line)) {
            lines.writeNow(line);
        }
    }

    /** Writes every queued line now. */
    @Override
    public void flush() {
        lines.flush();
    }

    /** Writes what is queued; later records are written by their callers. Standard error stays open. */
    @Override
    public void close() {
        closed = true;
        try {
            lines.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
