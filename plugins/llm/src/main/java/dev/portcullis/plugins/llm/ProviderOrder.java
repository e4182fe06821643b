package dev.portcullis.plugins.llm;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Orders the providers of a model for one request, by strategy; cooling-down ones go last. */
final class ProviderOrder {

    private final LlmBackendConfig.Strategy strategy;

    ProviderOrder(LlmBackendConfig.Strategy strategy) {
        this.strategy = strategy;
    }

    Provider[] order(List<Provider> candidates, long nowNanos) {
        Provider[] out = candidates.toArray(new Provider[0]);
        if (out.length == 1) {
            return out;
        }
        switch (strategy) {
            // COST: the factory already sorted each model's providers by price
            case FAILOVER, COST -> { }
            case WEIGHTED -> pickWeightedFirst(out);
            // an unmeasured provider (0) sorts first, so every provider gets measured
            case LEAST_LATENCY -> Arrays.sort(out, Comparator.comparingLong(Provider::latencyNanos));
        }
        // stable partition: available first, cooling down after, each group keeping its order
        Provider[] sorted = new Provider[out.length];
        int n = 0;
        for (Provider p : out) {
            if (!p.coolingDown(nowNanos)) {
                sorted[n++] = p;
            }
        }
        for (Provider p : out) {
            if (p.coolingDown(nowNanos)) {
                sorted[n++] = p;
            }
        }
        return sorted;
    }

    private static void pickWeightedFirst(Provider[] ps) {
        long total = 0;
        for (Provider p : ps) {
            total += p.weight;
        }
        if (total <= 0) {
            return;
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < ps.length; i++) {
            r -= ps[i].weight;
            if (r < 0) {
                Provider chosen = ps[i];
                System.arraycopy(ps, 0, ps, 1, i);
                ps[0] = chosen;
                return;
            }
        }
    }
}
