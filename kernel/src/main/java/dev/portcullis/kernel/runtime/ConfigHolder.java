package dev.portcullis.kernel.runtime;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The config requests are served with. A request acquires the current config and releases it
 * when done; a swap installs the new config atomically and retires the old one, which closes once
 * its in-flight requests have finished on it.
 */
public final class ConfigHolder {

    private final AtomicReference<CompiledConfig> current;

    /** Starts with {@code initial}. */
    public ConfigHolder(CompiledConfig initial) {
        this.current = new AtomicReference<>(initial);
    }

    /** The current config, counted as in use until {@link #release}. */
    public CompiledConfig acquire() {
        while (true) {
            CompiledConfig c = current.get();
            c.tryAcquire();
            if (current.get() == c) {
                return c;
            }
            // swapped between read and increment: let go and take the new one
            c.release();
        }
    }

    /** Ends a request's use of {@code config}. */
    public void release(CompiledConfig config) {
        config.release();
    }

    /** The current config, for read-only views (admin API); not counted. */
    public CompiledConfig peek() {
        return current.get();
    }

    /** Installs {@code next} and retires the previous config. */
    public void swap(CompiledConfig next) {
        CompiledConfig previous = current.getAndSet(next);
        if (previous != null && previous != next) {
            previous.retire();
        }
    }

    /** Retires the current config (shutdown). */
    public void retireCurrent() {
        current.get().retire();
    }
}
