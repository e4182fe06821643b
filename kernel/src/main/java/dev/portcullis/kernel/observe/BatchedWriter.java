package dev.portcullis.kernel.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Lines queued by any number of threads and written by one background thread every interval, all
 * that are waiting in one write: request threads never wait on a disk, a terminal or a pipe, and a
 * burst costs one system call per interval instead of one per line. The access log and the log
 * handler write this way; what to do when the queue is full is theirs ({@link #offer} says no).
 *
 * <p>The queue is lock-free and not signalled per line: the writer wakes on its own and takes
 * what is there. Signalling a waiting writer per line (what a {@code BlockingQueue} does) costs a
 * futex wake-up per request. Only after a second without lines does the writer sleep until the
 * next line wakes it, so an idle gateway does not tick 50 times a second for nothing.
 *
 * @param <T> what is queued; {@code format} turns it into its line, newline included, on the
 *            writing thread
 */
final class BatchedWriter<T> {

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final BiConsumer<T, StringBuilder> format;
    private final OutputStream out;
    private final Charset charset;
    private final Runnable onWriteFailure;
    private final Object writeLock = new Object();
    private final Thread writer;
    private volatile boolean closing;
    /** The writer sleeps until the next {@link #offer}; set before its last look at the queue. */
    private volatile boolean asleep;

    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    BatchedWriter(String threadName, int capacity, long intervalNanos, BiConsumer<T, StringBuilder> format,
            OutputStream out, Charset charset, Runnable onWriteFailure) {
        this.capacity = capacity;
        this.format = format;
        this.out = out;
        this.charset = charset;
        this.onWriteFailure = onWriteFailure;
        this.writer = Thread.ofPlatform().daemon().name(threadName).start(() -> {
            long quiet = 0;
            while (true) {
                // a whole interval first, whatever unparks it early (a late offer's wake-up), unless
                // closing: lines queued meanwhile go out together, never as the thread starts
                long until = System.nanoTime() + intervalNanos;
                for (long left = intervalNanos; left > 0 && !closing; left = until - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                boolean last = closing;
                quiet = flush() ? 0 : quiet + intervalNanos;
                if (last) {
                    return; // everything queued before close() has been written
                }
                if (quiet >= QUIET_NANOS) {
                    asleep = true;
                    if (queued.get() == 0 && !closing) {
                        LockSupport.park(); // until offer() or close()
                    }
                    asleep = false;
                    quiet = 0;
                }
            }
        });
    }

    /** Queues {@code item}, or returns false when {@code capacity} items are already waiting. */
    boolean offer(T item) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            return false;
        }
        queue.add(item);
        if (asleep) { // read after the count went up: the writer either saw the line or is woken here
            asleep = false;
            LockSupport.unpark(writer);
        }
        return true;
    }

    /** Writes what is queued, then {@code item}, on the calling thread: nothing overtakes what came before it. */
    void writeNow(T item) {
        synchronized (writeLock) {
            StringBuilder b = drainInto(new StringBuilder());
            format.accept(item, b);
            write(b);
        }
    }

    /** Writes what is queued now; returns whether anything was queued. */
    boolean flush() {
        if (queued.get() == 0) {
            return false;
        }
        synchronized (writeLock) {
            write(drainInto(new StringBuilder()));
        }
        return true;
    }

    /** Whether the writer sleeps until the next line (tests). */
    boolean asleep() {
        return asleep;
    }

    /** Writes what is queued and stops the background thread; {@link #writeNow} still works. */
    void close() throws InterruptedException {
        closing = true;
        LockSupport.unpark(writer);
        writer.join(5_000);
    }

    private StringBuilder drainInto(StringBuilder b) {
        int n = 0;
        for (T item; (item = queue.poll()) != null; ) {
            n++;
            format.accept(item, b);
            if (b.length() > 256 * 1024) { // bound the buffer of a large backlog
                write(b);
                b.setLength(0);
            }
        }
        queued.addAndGet(-n);
        return b;
    }

    private void write(StringBuilder b) {
        if (b.isEmpty()) {
            return;
        }
        try {
            out.write(b.toString().getBytes(charset));
            out.flush();
        } catch (IOException e) {
            onWriteFailure.run(); // the destination failed (disk full, closed terminal): never stop serving
        }
    }
}
