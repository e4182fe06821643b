package dev.portcullis.kernel.observe;

import dev.portcullis.kernel.chain.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One JSON line per request, written by a background thread so request threads never wait on the
 * disk or the terminal. When the queue is full, lines are dropped and counted rather than slowing
 * traffic down. Never contains bodies, credentials or query strings (which can carry keys).
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

    // Lock-free and never signalled: the writer wakes on its own every 20 ms and takes what is
    // there. Signalling a waiting writer on every request (what a BlockingQueue does) costs a
    // futex wake-up per request.
    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;
    private final OutputStream out;
    private final Thread writer;

    private AccessLog(OutputStream out) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("portcullis-access-log").start(this::drain);
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
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(e);
    }

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        // A whole batch is formatted into one buffer and written with one call: one encoding and
        // one system call per batch instead of per line.
        StringBuilder sb = new StringBuilder(64 * 1024);
        while (true) {
            boolean last = closing;
            sb.setLength(0);
            Entry e;
            int n = 0;
            while ((e = queue.poll()) != null) {
                n++;
                format(e, sb);
                sb.append('\n');
                if (sb.length() > 256 * 1024) {
                    write(sb);
                    sb.setLength(0);
                }
            }
            queued.addAndGet(-n);
            write(sb);
            if (last) {
                return; // everything queued before close() has been written
            }
            LockSupport.parkNanos(DRAIN_INTERVAL_NANOS);
        }
    }

    private void write(StringBuilder sb) {
        if (sb.isEmpty()) {
            return;
        }
        try {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // the log's destination failed (disk full, closed terminal): count, never stop serving
            dropped.incrementAndGet();
        }
    }

    private final IsoSeconds seconds = new IsoSeconds();

    /** The JSON line for {@code e}. */
    void format(Entry e, StringBuilder sb) {
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
        sb.append('}');
    }

    @Override
    public void close() {
        try {
            closing = true;
            LockSupport.unpark(writer);
            writer.join(5_000);
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
