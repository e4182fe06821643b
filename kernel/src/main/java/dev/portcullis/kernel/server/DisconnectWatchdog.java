package dev.portcullis.kernel.server;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.NioSocket;
import io.helidon.webserver.ConnectionContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a client that closes its connection while its request waits for an upstream, so that
 * the upstream call can be cancelled instead of running (and costing tokens) for nobody.
 *
 * <p>Why: a handler learns that its client left only when it writes, and a non-streamed call
 * writes nothing until the upstream has answered in full. Helidon offers no hook for this while a
 * handler runs.
 *
 * <p>How: the client connection's channel (Helidon's default NIO listener socket; reached by
 * reflection, as Helidon does not expose it) is switched to non-blocking mode and registered for
 * reading with one selector, served by one thread. When the selector reports it readable, the
 * number of bytes waiting tells the two cases apart without reading them: none means end of
 * stream or a reset (the client is gone: run the action); some means the client sent its next
 * request early (it is alive: stop watching, leave the bytes to Helidon). {@link Watch#stop()}
 * hands the channel back in blocking mode before the handler touches it again.
 *
 * <p>A watch starts as a note in a set and is only armed (channel registered) once the call has
 * waited {@value #ARM_AFTER_MILLIS} ms: arming and disarming cost two selector wake-ups, two
 * context switches and a wait of the handler for the selector thread — 16 µs of CPU per call when
 * every call was armed (an AI-gate call costs ~56 µs in all, docs/benchmarks.md) — while a call
 * that answers within a fraction of a second is not worth cancelling. Stopping an unarmed watch is
 * one set removal. A client that hangs up is thus noticed within about
 * {@value #ARM_AFTER_MILLIS} ms plus one {@value #TICK_MILLIS} ms tick of the call's start, or at
 * once after that.
 *
 * <p>After {@value #QUIET_TICKS} ticks with no watch waiting or armed, the watchdog sleeps until
 * the next {@link #start} wakes it (a volatile read per call while it is awake), so an idle
 * gateway does not tick 50 times a second.
 *
 * <p>Only for a request whose body has been read to its end, and only while the handler thread
 * does not use the connection. Where the connection is not one this class can watch (another
 * socket implementation) the watch does nothing.
 */
public final class DisconnectWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(DisconnectWatchdog.class);
    private static final ThreadLocal<ConnectionContext> CURRENT = new ThreadLocal<>();
    private static final Field CHANNEL = channelField();
    /** A watch is armed once its call has waited this long. */
    static final long ARM_AFTER_MILLIS = 100;
    /** How often the watchdog looks for watches to arm. */
    static final long TICK_MILLIS = 20;
    private static final long ARM_AFTER_NANOS = ARM_AFTER_MILLIS * 1_000_000;
    /** Ticks with nothing to watch before the watchdog sleeps until the next watch. */
    static final int QUIET_TICKS = 50;

    // a watch's life: PENDING -> ARMED -> FIRED (client gone), and STOPPED from any of them
    private static final int PENDING = 0;
    private static final int ARMED = 1;
    private static final int FIRED = 2;
    private static final int STOPPED = 3;

    /** Watches not armed yet. */
    private static final java.util.Set<Watch> WAITING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Armed watches to stop, for the watchdog thread. */
    private static final Queue<Watch> TO_STOP = new ConcurrentLinkedQueue<>();
    /** Stopped watches whose keys wait for deregistration (the watchdog thread's own). */
    private static final Queue<Watch> DEREGISTERING = new ArrayDeque<>();
    private static volatile Selector selector;
    private static volatile boolean asleep;

    private DisconnectWatchdog() {}

    /** A running watch; {@link #stop()} it once the upstream has answered. */
    public static final class Watch {
        private final SocketChannel channel;
        private final Runnable onGone;
        private final Thread owner;
        private final long started = System.nanoTime();
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(PENDING);
        private SelectionKey key; // the watchdog thread's
        private volatile boolean released;

        private Watch(SocketChannel channel, Runnable onGone) {
            this.channel = channel;
            this.onGone = onGone;
            this.owner = Thread.currentThread();
        }

        /**
         * Ends the watch and returns whether the client was found gone (its action has then run);
         * afterwards the action will not run, and the channel is in blocking mode again.
         */
        public boolean stop() {
            if (channel == null) {
                return false;
            }
            if (state.compareAndSet(PENDING, STOPPED)) {
                WAITING.remove(this); // never armed: nothing to undo
                return false;
            }
            boolean gone = state.getAndSet(STOPPED) == FIRED;
            // the watchdog hands the channel back; it runs a firing action to its end before that
            TO_STOP.add(this);
            selector.wakeup();
            boolean interrupted = Thread.interrupted(); // a set interrupt status would make park return at once
            while (!released) {
                LockSupport.park(this);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return gone;
        }

        /** On the watchdog thread: the client's verdict is in. */
        private void fire() {
            if (state.compareAndSet(ARMED, FIRED)) {
                onGone.run();
            }
        }
    }

    /** A watch that never fires. */
    private static final Watch NONE = new Watch(null, () -> {});

    /** Called by the connection's thread while it serves the connection of {@code ctx}. */
    static void enter(ConnectionContext ctx) {
        CURRENT.set(ctx);
    }

    /** Called when the connection's thread is done with it. */
    static void exit() {
        CURRENT.remove();
    }

    /**
     * Watches the client connection served by the calling thread and runs {@code onGone} (on the
     * watchdog's thread) if the client closes it before {@link Watch#stop()}. Returns a watch that
     * never fires when the thread serves no connection the gateway can watch.
     */
    public static Watch start(Runnable onGone) {
        ConnectionContext ctx = CURRENT.get();
        if (ctx == null || CHANNEL == null) {
            return NONE;
        }
        SocketChannel channel;
        try {
            HelidonSocket socket = ctx.serverSocket();
            if (!(socket instanceof NioSocket) || !(CHANNEL.get(socket) instanceof SocketChannel c)) {
                return NONE;
            }
            channel = c;
        } catch (ReflectiveOperationException | UnsupportedOperationException e) {
            LOG.debug("cannot watch this client connection: {}", e.toString());
            return NONE;
        }
        Watch w = new Watch(channel, onGone);
        WAITING.add(w);
        Selector s = selector(); // the watchdog thread runs
        if (asleep) { // read after the add: the watchdog either saw the watch or is woken here
            asleep = false;
            s.wakeup();
        }
        return w;
    }

    /** Whether the watchdog sleeps until the next watch (tests). */
    public static boolean asleep() {
        return asleep;
    }

    private static Field channelField() {
        try {
            Field f = NioSocket.class.getDeclaredField("delegate");
            f.setAccessible(true);
            return f.getType() == SocketChannel.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("client disconnects are noticed only when a response is written: {}", e.toString());
            return null;
        }
    }

    private static Selector selector() {
        Selector s = selector;
        return s != null ? s : open();
    }

    private static synchronized Selector open() {
        if (selector == null) {
            try {
                Selector s = Selector.open();
                Thread.ofPlatform().daemon().name("portcullis-client-watch").start(() -> run(s));
                selector = s;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot open the client watch selector", e);
            }
        }
        return selector;
    }

    private static void run(Selector s) {
        int quiet = 0;
        while (true) {
            try {
                quiet = WAITING.isEmpty() && s.keys().isEmpty() ? quiet + 1 : 0;
                if (quiet >= QUIET_TICKS) {
                    asleep = true;
                    if (WAITING.isEmpty()) {
                        s.select(); // until start() wakes it
                    }
                    asleep = false;
                    quiet = 0;
                } else {
                    s.select(TICK_MILLIS);
                }
                for (SelectionKey key : s.selectedKeys()) {
                    if (key.isValid()) {
                        verdict((Watch) key.attachment(), key);
                    }
                }
                s.selectedKeys().clear();
                boolean cancelled = false;
                for (Watch w; (w = TO_STOP.poll()) != null; ) {
                    cancelled |= unregister(w);
                }
                if (cancelled) {
                    s.selectNow(); // deregisters the cancelled keys, so their channels may block again
                    release();
                }
                arm(s);
            } catch (IOException | RuntimeException e) {
                LOG.warn("client watch: {}", e.toString());
            }
        }
    }

    /** Registers the channels of the watches whose calls have waited long enough. */
    private static void arm(Selector s) {
        long now = System.nanoTime();
        for (Watch w : WAITING) {
            if (now - w.started < ARM_AFTER_NANOS || !w.state.compareAndSet(PENDING, ARMED)) {
                continue; // too young, or stopped meanwhile
            }
            WAITING.remove(w);
            try {
                w.channel.configureBlocking(false);
                w.key = w.channel.register(s, SelectionKey.OP_READ, w);
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot watch a client connection: {}", e.toString());
            }
        }
    }

    /** Stops watching the armed watch {@code w}; returns whether a key was cancelled. */
    private static boolean unregister(Watch w) {
        if (w.key != null) {
            w.key.cancel();
            DEREGISTERING.add(w);
            return true;
        }
        restore(w); // its registration failed: nothing to deregister
        return false;
    }

    private static void release() {
        for (Watch w; (w = DEREGISTERING.poll()) != null; ) {
            restore(w);
        }
    }

    private static void restore(Watch w) {
        try {
            if (w.channel.isOpen() && !w.channel.isBlocking()) {
                w.channel.configureBlocking(true);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("client watch: cannot hand a connection back: {}", e.toString());
        }
        w.released = true;
        LockSupport.unpark(w.owner);
    }

    /** The channel is readable: end of stream or a reset (gone), or the client's next bytes (alive). */
    private static void verdict(Watch w, SelectionKey key) {
        int waiting;
        try {
            InputStream in = w.channel.socket().getInputStream();
            waiting = in.available();
        } catch (IOException e) {
            waiting = 0; // reset, or input shut down: gone
        }
        try {
            key.interestOps(0); // one verdict per watch; the key is cancelled when the watch stops
        } catch (java.nio.channels.CancelledKeyException closed) {
            waiting = 0; // the connection was closed under the watch
        }
        if (waiting == 0) {
            w.fire();
        }
    }
}
