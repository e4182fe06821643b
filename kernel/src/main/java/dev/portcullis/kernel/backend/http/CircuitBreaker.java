package dev.portcullis.kernel.backend.http;

import dev.portcullis.upstream.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The circuit breaker of one upstream target: closed (traffic flows, failures are counted),
 * open (no traffic for {@code openFor}), half-open (a few probe requests decide: all succeed →
 * closed, any fails → open again).
 *
 * <p>Lock-free and allocation-free. The state, the half-open generation and the probe counts
 * share one {@link AtomicLong}, so every transition is a single compare-and-set and happens (and
 * is reported) exactly once. The closed-state path is a volatile read to admit, then one CAS on
 * the current window bucket per result; the window sum is only taken on a failure. The clock is
 * the caller's: every method takes {@code nowNanos} (tests pass a fake one).
 *
 * <p>The switch from open to half-open is lazy: the first request after {@code openFor} makes it.
 */
final class CircuitBreaker {

    /** Breaker states; the ordinal is the value of the {@code circuit_state} gauge. */
    enum State {
        CLOSED("closed"), HALF_OPEN("half-open"), OPEN("open");

        final String tag;

        State(String tag) {
            this.tag = tag;
        }
    }

    /** Told about every transition, once, by the thread that made it. */
    @FunctionalInterface
    interface Observer {
        void transitioned(State to, String reason);
    }

    /**
     * What the breaker does, resolved from config once.
     *
     * @param ratioArm            whether the error-ratio arm is on
     * @param errorRatio          failures / requests over the window that opens the circuit
     * @param minRequests         requests the window must have seen before the ratio counts
     * @param consecutiveFailures failures in a row that open it; 0 turns this arm off
     * @param windowNanos         length of the sliding window
     * @param openForNanos        how long the circuit stays open before probes
     * @param halfOpenProbes      probe requests admitted when half-open
     * @param failureStatus       response statuses that count as failures, indexed by status
     */
    record Settings(boolean ratioArm, double errorRatio, int minRequests, int consecutiveFailures, long windowNanos,
            long openForNanos, int halfOpenProbes, boolean[] failureStatus) {

        /** Whether any arm can open the circuit. */
        boolean enabled() {
            return ratioArm || consecutiveFailures > 0;
        }

        /**
         * The breaker a backend config asks for: {@code circuitBreaker} when present, else
         * {@code passive} ejection as the consecutive-failures arm alone with one probe.
         */
        static Settings of(HttpBackendConfig config) {
            HttpBackendConfig.Breaker b = config.circuitBreaker();
            if (b != null) {
                boolean[] failing = new boolean[600];
                for (String entry : b.failureStatuses()) {
                    for (int status : HttpBackendConfig.Breaker.statuses(entry)) {
                        failing[status] = true;
                    }
                }
                return new Settings(true, b.errorRatio(), b.minRequests(), b.consecutiveFailures(),
                        b.window().toNanos(), b.openFor().toNanos(), b.halfOpenProbes(), failing);
            }
            HttpBackendConfig.Passive p = config.passiveOrDefault();
            boolean[] failing = new boolean[600];
            Arrays.fill(failing, 500, 600, true);
            return new Settings(false, 1, Integer.MAX_VALUE, p.consecutiveFailures(), p.ejectFor().toNanos(),
                    p.ejectFor().toNanos(), 1, failing);
        }
    }

    /** Returned by {@link #tryAcquire} when the request must go elsewhere. */
    static final int DENIED = -1;
    /** Returned by {@link #tryAcquire} for an ordinary request of a closed circuit. */
    static final int CLOSED_PERMIT = 0;

    static final int BUCKETS = 10;

    // cell layout: state (2 bits) | half-open generation (30) | probes issued (16) | probes succeeded (16)
    private static final int GEN_SHIFT = 32;
    private static final long GEN_MASK = (1L << 30) - 1;
    private static final int ISSUED_SHIFT = 16;
    private static final long PROBE_MASK = 0xffff;

    // bucket layout: epoch tag (20 bits) | requests (22) | failures (22)
    private static final int TAG_SHIFT = 44;
    private static final long TAG_MASK = (1L << 20) - 1;
    private static final int REQ_SHIFT = 22;
    private static final long COUNT_MASK = (1L << 22) - 1;

    private final Settings settings;
    private final Observer observer;
    private final long bucketNanos;
    private final String windowText;
    private final String openForText;

    private final AtomicLong cell = new AtomicLong(pack(State.CLOSED, 0, 0, 0));
    /** When an open circuit may half-open; written before the CAS that opens it. */
    private volatile long openUntil;
    private final AtomicInteger consecutive = new AtomicInteger();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);

    CircuitBreaker(Settings settings, Observer observer) {
        this.settings = settings;
        this.observer = observer;
        this.bucketNanos = Math.max(1, settings.windowNanos() / BUCKETS);
        this.windowText = Durations.describe(Duration.ofNanos(settings.windowNanos()));
        this.openForText = Durations.describe(Duration.ofNanos(settings.openForNanos()));
    }

    /** The state as last changed (an open circuit past {@code openFor} stays open until a request comes). */
    State state() {
        return stateOf(cell.get());
    }

    /** Whether the balancer may pick this target now (does not take a probe permit). */
    boolean admits(long nowNanos) {
        long v = cell.get();
        return switch (stateOf(v)) {
            case CLOSED -> true;
            case OPEN -> nowNanos - openUntil >= 0;
            case HALF_OPEN -> issued(v) < settings.halfOpenProbes();
        };
    }

    /** Nanoseconds until an open circuit admits probes; 0 when it admits them already or is not open. */
    long nanosUntilProbe(long nowNanos) {
        return stateOf(cell.get()) == State.OPEN ? Math.max(0, openUntil - nowNanos) : 0;
    }

    /** Whether a response with {@code status} counts as a failure. */
    boolean isFailure(int status) {
        return status >= 0 && status < settings.failureStatus().length && settings.failureStatus()[status];
    }

    /**
     * Admits a request: {@link #CLOSED_PERMIT}, a probe permit (a positive number to hand back
     * with the result), or {@link #DENIED}.
     */
    int tryAcquire(long nowNanos) {
        while (true) {
            long v = cell.get();
            switch (stateOf(v)) {
                case CLOSED -> {
                    return CLOSED_PERMIT;
                }
                case OPEN -> {
                    if (nowNanos - openUntil < 0) {
                        return DENIED;
                    }
                    int gen = nextGen(v);
                    if (cell.compareAndSet(v, pack(State.HALF_OPEN, gen, 1, 0))) {
                        observer.transitioned(State.HALF_OPEN, "open for " + openForText
                                + ", admitting " + settings.halfOpenProbes() + " probe request(s)");
                        return gen;
                    }
                }
                case HALF_OPEN -> {
                    if (issued(v) >= settings.halfOpenProbes()) {
                        return DENIED;
                    }
                    if (cell.compareAndSet(v, v + (1L << ISSUED_SHIFT))) {
                        return gen(v);
                    }
                }
            }
        }
    }

    /** A request admitted with {@code permit} got an acceptable answer. */
    void onSuccess(int permit, long nowNanos) {
        if (permit == CLOSED_PERMIT) {
            if (consecutive.get() != 0) {
                consecutive.set(0);
            }
            if (settings.ratioArm() && stateOf(cell.get()) == State.CLOSED) {
                record(nowNanos, false);
            }
            return;
        }
        while (true) {
            long v = cell.get();
            if (!isProbeOf(v, permit)) {
                return; // a probe of an earlier half-open period: no say any more
            }
            long succeeded = (v & PROBE_MASK) + 1;
            if (succeeded >= settings.halfOpenProbes()) {
                if (cell.compareAndSet(v, pack(State.CLOSED, gen(v), 0, 0))) {
                    consecutive.set(0);
                    clearWindow();
                    observer.transitioned(State.CLOSED, succeeded + " probe request(s) succeeded");
                    return;
                }
            } else if (cell.compareAndSet(v, v + 1)) {
                return;
            }
        }
    }

    /** A request admitted with {@code permit} failed; {@code cause} names how (for the log). */
    void onFailure(int permit, long nowNanos, String cause) {
        if (permit == CLOSED_PERMIT) {
            String reason = null;
            if (settings.consecutiveFailures() > 0 && consecutive.incrementAndGet() >= settings.consecutiveFailures()) {
                reason = settings.consecutiveFailures() + " consecutive failures (last: " + cause + ")";
            }
            if (settings.ratioArm() && stateOf(cell.get()) == State.CLOSED) {
                long counts = record(nowNanos, true);
                if (reason == null) {
                    reason = ratioExceeded(counts);
                }
            }
            if (reason != null) {
                open(State.CLOSED, -1, nowNanos, reason);
            }
            return;
        }
        long v = cell.get();
        if (isProbeOf(v, permit)) {
            open(State.HALF_OPEN, permit, nowNanos, "probe request failed (" + cause + ")");
        }
    }

    /** A request admitted with {@code permit} ended without a verdict on the upstream (the client's body failed). */
    void release(int permit) {
        if (permit == CLOSED_PERMIT) {
            return;
        }
        while (true) {
            long v = cell.get();
            if (!isProbeOf(v, permit) || issued(v) == 0 || cell.compareAndSet(v, v - (1L << ISSUED_SHIFT))) {
                return;
            }
        }
    }

    /** Active health checks found the target healthy again: an open circuit half-opens now. */
    void healthRecovered() {
        long v = cell.get();
        if (stateOf(v) == State.OPEN && cell.compareAndSet(v, pack(State.HALF_OPEN, nextGen(v), 0, 0))) {
            observer.transitioned(State.HALF_OPEN, "the active health check passed, admitting "
                    + settings.halfOpenProbes() + " probe request(s)");
        }
    }

    private void open(State from, int gen, long nowNanos, String reason) {
        long v = cell.get();
        if (stateOf(v) != from || (gen >= 0 && gen(v) != gen)) {
            return; // someone else made a transition first
        }
        openUntil = nowNanos + settings.openForNanos();
        if (cell.compareAndSet(v, pack(State.OPEN, gen(v), 0, 0))) {
            consecutive.set(0);
            observer.transitioned(State.OPEN, reason + "; open for " + openForText);
        }
    }

    /** Counts one result in the current bucket; returns the window's packed totals when a failure was counted. */
    private long record(long nowNanos, boolean failure) {
        long epoch = Math.floorDiv(nowNanos, bucketNanos);
        int slot = (int) Math.floorMod(epoch, (long) BUCKETS);
        long tag = epoch & TAG_MASK;
        while (true) {
            long v = buckets.get(slot);
            long requests;
            long failures;
            if (v >>> TAG_SHIFT == tag) {
                requests = Math.min(COUNT_MASK, ((v >>> REQ_SHIFT) & COUNT_MASK) + 1);
                failures = Math.min(COUNT_MASK, (v & COUNT_MASK) + (failure ? 1 : 0));
            } else {
                requests = 1; // the slot holds an expired bucket: start it over
                failures = failure ? 1 : 0;
            }
            if (buckets.compareAndSet(slot, v, tag << TAG_SHIFT | requests << REQ_SHIFT | failures)) {
                return failure ? window(epoch) : 0;
            }
        }
    }

    /** Requests and failures of the buckets inside the window ending at {@code epoch}, packed as a bucket. */
    private long window(long epoch) {
        long requests = 0;
        long failures = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long v = buckets.get(i);
            long age = (epoch - (v >>> TAG_SHIFT)) & TAG_MASK;
            if (age < BUCKETS) {
                requests += (v >>> REQ_SHIFT) & COUNT_MASK;
                failures += v & COUNT_MASK;
            }
        }
        return requests << 32 | failures;
    }

    private String ratioExceeded(long window) {
        long requests = window >>> 32;
        long failures = window & 0xffffffffL;
        if (requests < settings.minRequests() || failures < settings.errorRatio() * requests) {
            return null;
        }
        return "error ratio " + failures + "/" + requests + " over " + windowText + " reached " + settings.errorRatio();
    }

    private void clearWindow() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets.set(i, 0);
        }
    }

    private boolean isProbeOf(long v, int permit) {
        return stateOf(v) == State.HALF_OPEN && gen(v) == permit;
    }

    private static long pack(State state, int gen, long issued, long succeeded) {
        return (long) state.ordinal() << 62 | (gen & GEN_MASK) << GEN_SHIFT | issued << ISSUED_SHIFT | succeeded;
    }

    private static State stateOf(long v) {
        return switch ((int) (v >>> 62)) {
            case 0 -> State.CLOSED;
            case 1 -> State.HALF_OPEN;
            default -> State.OPEN;
        };
    }

    private static int gen(long v) {
        return (int) ((v >>> GEN_SHIFT) & GEN_MASK);
    }

    /** The next half-open generation: positive, so a probe permit never equals {@link #CLOSED_PERMIT}. */
    private static int nextGen(long v) {
        return (int) (gen(v) % GEN_MASK) + 1;
    }

    private static long issued(long v) {
        return (v >>> ISSUED_SHIFT) & PROBE_MASK;
    }
}
