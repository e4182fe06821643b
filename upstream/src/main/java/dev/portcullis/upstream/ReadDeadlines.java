package dev.portcullis.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Read timeouts of upstream connections, enforced by one shared watchdog thread instead of a
 * socket timeout on every read.
 *
 * <p>Why: a blocking read with {@code SO_TIMEOUT} on a virtual thread arms a timer each time it
 * parks and cancels it when the bytes arrive. A proxied request parks on its upstream read
 * almost every time, so every request paid for a timer and the thread switches around it: plain
 * proxying cost a median 48.6 µs of CPU and 2.7 context switches per request with socket
 * timeouts, 34.5 µs and 0.9 with this watchdog (docs/benchmarks.md, issue [7/8]).
 *
 * <p>How: before a socket read that may block, the connection publishes a deadline (one volatile
 * store); after it, clears it. Every {@value #TICK_MILLIS} ms the watchdog looks at the open
 * connections and closes the socket of any whose deadline has passed; the blocked reader sees
 * the close and reports a {@link java.net.SocketTimeoutException}. A timeout therefore fires up
 * to one tick late, which is noise against timeouts of hundreds of milliseconds and more.
 *
 * <p>An idle gateway keeps its pooled connections open, and a watchdog ticking over them would
 * wake 100 times a second for nothing. After {@value #QUIET_TICKS} ticks in which no read waited,
 * the watchdog sleeps until the next read publishes a deadline ({@link #armed}: one volatile read
 * per read while it is awake).
 */
final class ReadDeadlines {

    static final long TICK_MILLIS = 10;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    static final int QUIET_TICKS = 100;

    private static final Set<Connection> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile Thread watchdog;
    private static volatile boolean asleep;

    private ReadDeadlines() {}

    /** Watches {@code c} until {@link #forget}. */
    static void watch(Connection c) {
        OPEN.add(c);
        if (watchdog == null) {
            start();
        }
    }

    /** Stops watching a closed connection. */
    static void forget(Connection c) {
        OPEN.remove(c);
    }

    /**
     * Called after a read published its deadline: wakes the watchdog if it sleeps. The deadline is
     * written before {@code asleep} is read, and the watchdog sets {@code asleep} before it looks
     * at the deadlines a last time, so one of the two always sees the other.
     */
    static void armed() {
        if (asleep) {
            asleep = false;
            LockSupport.unpark(watchdog);
        }
    }

    /** Connections watched now (tests). */
    static int watched() {
        return OPEN.size();
    }

    /** Whether the watchdog sleeps until a read waits (tests). */
    static boolean asleep() {
        return asleep;
    }

    private static synchronized void start() {
        if (watchdog == null) {
            watchdog = Thread.ofPlatform().daemon().name("portcullis-upstream-deadlines").start(ReadDeadlines::run);
        }
    }

    private static void run() {
        int quiet = 0;
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            if (expirePast(System.nanoTime())) {
                quiet = 0;
            } else if (++quiet >= QUIET_TICKS) {
                asleep = true;
                if (!expirePast(System.nanoTime())) {
                    LockSupport.park(); // until armed(); a spurious return only costs a tick
                }
                asleep = false;
                quiet = 0;
            }
        }
    }

    /** Closes the reads past their deadline; returns whether any read is waiting. */
    private static boolean expirePast(long now) {
        boolean waiting = false;
        for (Connection c : OPEN) {
            waiting |= c.expireIfPast(now);
        }
        return waiting;
    }
}
