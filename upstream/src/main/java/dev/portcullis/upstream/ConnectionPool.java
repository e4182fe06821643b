package dev.portcullis.upstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Idle keep-alive connections per origin, most recently used first (so the hot ones stay warm
 * and the cold ones expire). Locks guard only the deque; sockets are closed outside them.
 */
final class ConnectionPool {

    /**
     * Idle longer than this, a connection is checked before reuse: for unsolicited bytes, and with
     * a 1 ms liveness probe when asked. Servers close idle connections on timers of seconds, so a
     * connection back within a second is reused without a system call (as OkHttp and Apache
     * HttpClient do); one the server did close anyway fails on use, and replayable requests retry.
     */
    private static final long CHECK_AFTER_NANOS = 1_000_000_000L;

    private final ConcurrentHashMap<Origin, Idle> idle = new ConcurrentHashMap<>();
    private final int maxIdlePerOrigin;
    private final long idleTimeoutNanos;
    private volatile boolean closed;

    ConnectionPool(int maxIdlePerOrigin, long idleTimeoutNanos) {
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    /**
     * A live idle connection to {@code origin}, or {@code null}. With {@code probe}, one idle longer
     * than a second first gets a 1 ms liveness probe: for requests that cannot be sent twice.
     */
    Connection acquire(Origin origin, boolean probe) {
        Idle stack = idle.get(origin);
        if (stack == null) {
            return null;
        }
        while (true) {
            Connection c = stack.pollNewest();
            if (c == null) {
                return null;
            }
            long idleFor = System.nanoTime() - c.idleSince;
            if (idleFor > idleTimeoutNanos) {
                c.close();
                stack.closeAll(); // the rest are older still
                return null;
            }
            boolean check = idleFor > CHECK_AFTER_NANOS;
            if (!c.isStale(check, check && probe)) {
                return c;
            }
            c.close();
        }
    }

    /** Returns a connection whose last response was read to the end. */
    void release(Connection c) {
        if (closed || maxIdlePerOrigin == 0 || c.hasUnreadBytes()) {
            c.close();
            return;
        }
        c.idleSince = System.nanoTime();
        idle.computeIfAbsent(c.origin, o -> new Idle()).push(c);
        if (closed) {
            closeAll();
        }
    }

    /** Closes connections idle longer than the idle timeout; for a periodic sweep. */
    void evictExpired() {
        for (Idle stack : idle.values()) {
            stack.evictExpired();
        }
    }

    /** Idle connection count (for tests and metrics). */
    int idleCount(Origin origin) {
        Idle stack = idle.get(origin);
        return stack == null ? 0 : stack.size();
    }

    void close() {
        closed = true;
        closeAll();
    }

    private void closeAll() {
        for (Idle stack : idle.values()) {
            stack.closeAll();
        }
    }

    private final class Idle {
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<Connection> deque = new ArrayDeque<>();

        Connection pollNewest() {
            lock.lock();
            try {
                return deque.pollFirst();
            } finally {
                lock.unlock();
            }
        }

        void push(Connection c) {
            Connection evicted = null;
            lock.lock();
            try {
                deque.addFirst(c);
                if (deque.size() > maxIdlePerOrigin) {
                    evicted = deque.pollLast();
                }
            } finally {
                lock.unlock();
            }
            if (evicted != null) {
                evicted.close();
            }
        }

        void evictExpired() {
            List<Connection> expired = new ArrayList<>();
            long now = System.nanoTime();
            lock.lock();
            try {
                Connection oldest;
                while ((oldest = deque.peekLast()) != null && now - oldest.idleSince > idleTimeoutNanos) {
                    expired.add(deque.pollLast());
                }
            } finally {
                lock.unlock();
            }
            expired.forEach(Connection::close);
        }

        void closeAll() {
            List<Connection> all;
            lock.lock();
            try {
                all = new ArrayList<>(deque);
                deque.clear();
            } finally {
                lock.unlock();
            }
            all.forEach(Connection::close);
        }

        int size() {
            lock.lock();
            try {
                return deque.size();
            } finally {
                lock.unlock();
            }
        }
    }
}
