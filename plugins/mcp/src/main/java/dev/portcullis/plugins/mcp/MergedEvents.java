package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Several upstream event streams merged into one: a virtual thread per upstream reads its stream
 * and hands events over a small bounded queue, so a slow client slows the upstream reads rather
 * than growing memory. Ends when every upstream stream has ended.
 */
final class MergedEvents implements EventSource {

    private static final SseEvent END = new SseEvent(null, null, null, "end");

    private final List<EventSource> sources;
    private final BlockingQueue<SseEvent> queue = new ArrayBlockingQueue<>(64);
    private final List<Thread> readers = new ArrayList<>();
    private int open;
    private volatile boolean closed;

    MergedEvents(List<EventSource> sources) {
        this.sources = List.copyOf(sources);
        this.open = sources.size();
        for (EventSource s : this.sources) {
            readers.add(Thread.ofVirtual().name("mcp-stream-reader").start(() -> pump(s)));
        }
    }

    private void pump(EventSource s) {
        try {
            SseEvent e;
            while (!closed && (e = s.next()) != null) {
                queue.put(e);
            }
        } catch (IOException | InterruptedException ignored) {
            // this upstream's stream ended badly or the client left; the others go on
        } finally {
            s.close();
            try {
                if (!closed) {
                    queue.put(END);
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public SseEvent next() throws IOException {
        try {
            while (open > 0) {
                SseEvent e = queue.take();
                if (e != END) {
                    return e;
                }
                open--;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for upstream events");
        }
    }

    @Override
    public void close() {
        closed = true;
        for (EventSource s : sources) {
            s.close();
        }
        for (Thread t : readers) {
            t.interrupt();
        }
    }
}
