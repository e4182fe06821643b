package dev.portcullis.kernel.backend.http;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Chooses a target for one attempt. Unavailable targets (unhealthy, ejected) are never chosen;
 * targets already tried for this request are avoided while another one is available.
 */
interface LoadBalancer {

    /**
     * A target, or {@code null} when none is available.
     *
     * @param tried indexes already tried for this request, or {@code null}
     */
    UpstreamTarget pick(UpstreamTarget[] targets, boolean[] tried, long nowNanos);

    /** The balancer for a config name (validated before). */
    static LoadBalancer named(String name) {
        return switch (name) {
            case "weighted" -> new Weighted();
            case "least-requests" -> new LeastRequests();
            default -> new RoundRobin();
        };
    }

    private static boolean eligible(UpstreamTarget t, boolean[] tried, long now, boolean avoidTried) {
        return t.available(now) && !(avoidTried && tried != null && tried[t.index]);
    }

    /** Each available target in turn. */
    final class RoundRobin implements LoadBalancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public UpstreamTarget pick(UpstreamTarget[] targets, boolean[] tried, long now) {
            int n = targets.length;
            int start = Math.floorMod(next.getAndIncrement(), n);
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < n; k++) {
                    UpstreamTarget t = targets[(start + k) % n];
                    if (eligible(t, tried, now, pass == 0)) {
                        return t;
                    }
                }
                if (tried == null) {
                    break;
                }
            }
            return null;
        }
    }

    /** Smooth weighted round robin (as nginx): spreads a heavy target's turns evenly. */
    final class Weighted implements LoadBalancer {
        private final ReentrantLock lock = new ReentrantLock();

        @Override
        public UpstreamTarget pick(UpstreamTarget[] targets, boolean[] tried, long now) {
            lock.lock();
            try {
                for (int pass = 0; pass < 2; pass++) {
                    UpstreamTarget best = null;
                    int total = 0;
                    for (UpstreamTarget t : targets) {
                        if (!eligible(t, tried, now, pass == 0)) {
                            continue;
                        }
                        t.currentWeight += t.weight;
                        total += t.weight;
                        if (best == null || t.currentWeight > best.currentWeight) {
                            best = t;
                        }
                    }
                    if (best != null) {
                        best.currentWeight -= total;
                        return best;
                    }
                    if (tried == null) {
                        break;
                    }
                }
                return null;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Power of two choices: of two random targets, the one with fewer requests in flight. */
    final class LeastRequests implements LoadBalancer {
        @Override
        public UpstreamTarget pick(UpstreamTarget[] targets, boolean[] tried, long now) {
            int n = targets.length;
            if (n >= 2) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int i = random.nextInt(n);
                int j = random.nextInt(n - 1);
                if (j >= i) {
                    j++;
                }
                UpstreamTarget a = targets[i];
                UpstreamTarget b = targets[j];
                if (eligible(a, tried, now, true) && eligible(b, tried, now, true)) {
                    return b.inFlight.get() < a.inFlight.get() ? b : a;
                }
            }
            // some target is out or already tried: fall back to a full scan
            for (int pass = 0; pass < 2; pass++) {
                UpstreamTarget best = null;
                for (UpstreamTarget t : targets) {
                    if (eligible(t, tried, now, pass == 0) && (best == null || t.inFlight.get() < best.inFlight.get())) {
                        best = t;
                    }
                }
                if (best != null || tried == null) {
                    return best;
                }
            }
            return null;
        }
    }
}
