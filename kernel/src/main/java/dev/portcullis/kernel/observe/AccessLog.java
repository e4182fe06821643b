package dev.portcullis.kernel.observe;

import dev.portcullis.kernel.chain.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON line per request, written by a background thread ({@link BatchedWriter}) so request
 * threads never wait on the disk or the terminal. When the queue is full, lines are dropped and
 * counted rather than slowing traffic down. Never contains bodies, credentials or query strings
 * (which can carry keys).
 */
public final class AccessLog implements AutoCloseable {

    /**
     * One finished request.
     *
     * @param startMillis when it arrived, epoch milliseconds
     * @param requestId  request id
     * @param route      route name, or null if none matched
     * @param method     method
     * @param path       path without query
     * @param status     status sent
     * @param durationMicros time from arrival to the last byte sent
     * @param upstream   the upstream target, if any
     * @param bytesIn    request body bytes (-1 unknown)
     * @param bytesOut   response body bytes
     * @param consumer   consumer name when known
     * @param clientIp   client address
     * @param outcome    null, or "client-gone" / "upstream-failed"
     */
    public record Entry(long startMillis, String requestId, String route, String method, String path, int status,
            long durationMicros, String upstream, long bytesIn, long bytesOut, String consumer, String clientIp,
            String outcome) {}

    private static final int CAPACITY = 65_536;
    private static final long DRAIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream out;
    private final BatchedWriter<Entry> lines;

    private AccessLog(OutputStream out) {
        this.out = out;
        this.lines = new BatchedWriter<>("portcullis-access-log", CAPACITY, DRAIN_INTERVAL_NANOS,
                (e, sb) -> format(e, sb).append('\n'), out, StandardCharsets.UTF_8, dropped::incrementAndGet);
    }

    /** A log to standard output. */
    public static AccessLog toStdout() {
        return new AccessLog(new java.io.FileOutputStream(java.io.FileDescriptor.out));
    }

    /** A log appended to {@code file}. */
    public static AccessLog toFile(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** Queues a line; never blocks. */
    public void log(Entry e) {
        if (!lines.offer(e)) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the writer could not keep up, or its destination failed. */
    public long dropped() {
        return dropped.get();
    }

    private final IsoSeconds seconds = new IsoSeconds();

    /** The JSON line for {@code e}. */
    StringBuilder format(Entry e, StringBuilder sb) {
        seconds.appendMillis(sb.append("{\"time\":\""), e.startMillis()).append('"');
        sb.append(",\"requestId\":");
        Json.quote(sb, e.requestId());
        sb.append(",\"route\":");
        Json.quote(sb, e.route());
        sb.append(",\"method\":");
        Json.quote(sb, e.method());
        sb.append(",\"path\":");
        Json.quote(sb, e.path());
        sb.append(",\"status\":").append(e.status());
        sb.append(",\"durationMs\":").append(e.durationMicros() / 1000).append('.');
        long frac = e.durationMicros() % 1000;
        sb.append(frac < 10 ? "00" : frac < 100 ? "0" : "").append(frac);
        sb.append(",\"upstream\":");
        Json.quote(sb, e.upstream());
        sb.append(",\"bytesIn\":").append(e.bytesIn());
        sb.append(",\"bytesOut\":").append(e.bytesOut());
        sb.append(",\"consumer\":");
        Json.quote(sb, e.consumer());
        sb.append(",\"clientIp\":");
        Json.quote(sb, e.clientIp());
        if (e.outcome() != null) {
            sb.append(",\"outcome\":");
            Json.quote(sb, e.outcome());
        }
        return sb.append('}');
    }

    @Override
    public void close() {
        try {
            lines.close();
            if (!(out instanceof java.io.FileOutputStream f && f.getFD() == java.io.FileDescriptor.out)) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closing the log file failed; nothing left to lose
        }
    }
}
