package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Several upstream event streams merged into one: a virtual thread per upstream reads its stream
 * and hands events over a small bounded queue, so a slow client slows the upstream reads rather
 * than growing memory. Ends when every upstream stream has ended. Each event that carries an
 * upstream id gets a {@code g.} gateway id holding the last id seen from every server
 * ({@link EventIds}), so the client can resume all of them with one {@code Last-Event-ID}.
 */
final class MergedEvents implements EventSource {

    private static final Tagged END = new Tagged(null, null);

    private record Tagged(String server, SseEvent event) {}

    /** Opens one upstream's stream (possibly waiting for its headers); null when it offers none. */
    interface Opener {
        RelayedEvents open() throws IOException, InterruptedException;
    }

    private final List<Opener> openers;
    private final List<RelayedEvents> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final BlockingQueue<Tagged> queue = new ArrayBlockingQueue<>(64);
    private final List<Thread> readers = new ArrayList<>();
    private final Map<String, String> last;
    private int open;
    private volatile boolean closed;

    /**
     * {@code openers} give streams relaying raw upstream ids, each opened on its reader's thread (an
     * upstream may send its headers only with its first event); {@code resumedFrom}: the ids a
     * resumed stream starts from.
     */
    MergedEvents(List<Opener> openers, Map<String, String> resumedFrom) {
        this.openers = List.copyOf(openers);
        this.open = openers.size();
        this.last = new LinkedHashMap<>(resumedFrom);
        for (Opener o : this.openers) {
            readers.add(Thread.ofVirtual().name("mcp-stream-reader").start(() -> pump(o)));
        }
    }

    private void pump(Opener opener) {
        RelayedEvents s = null;
        try {
            s = opener.open();
            if (s == null) {
                return;
            }
            sources.add(s);
            if (closed) {
                return;
            }
            SseEvent e;
            while (!closed && (e = s.next()) != null) {
                queue.put(new Tagged(s.server(), e));
            }
        } catch (IOException | InterruptedException ignored) {
            // this upstream's stream ended badly or the client left; the others go on
        } finally {
            if (s != null) {
                s.close();
            }
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
                Tagged t = queue.take();
                if (t != END) {
                    SseEvent e = t.event();
                    if (e.id() == null) {
                        return e;
                    }
                    last.put(t.server(), e.id());
                    return new SseEvent(e.event(), e.data(), EventIds.merged(last), null);
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
        for (RelayedEvents s : sources) {
            s.close();
        }
        for (Thread t : readers) {
            t.interrupt();
        }
    }
}
