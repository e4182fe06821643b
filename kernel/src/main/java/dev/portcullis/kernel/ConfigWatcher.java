package dev.portcullis.kernel;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file's folder and its {@code conf.d/} and calls back once things settle
 * (editors and ConfigMap updates write in several steps: changes are debounced). Watches
 * folders, not the file, so an atomic rename (how Kubernetes swaps ConfigMaps) is seen too.
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long DEBOUNCE_MS = 300;

    private final WatchService watch;
    private final Thread thread;

    private ConfigWatcher(WatchService watch, Runnable onChange) {
        this.watch = watch;
        this.thread = Thread.ofPlatform().daemon().name("portcullis-config-watcher").start(() -> loop(onChange));
    }

    static ConfigWatcher start(Path configFile, Runnable onChange) throws IOException {
        Path dir = configFile.toAbsolutePath().getParent();
        WatchService ws = FileSystems.getDefault().newWatchService();
        register(ws, dir);
        Path confD = dir.resolve("conf.d");
        if (Files.isDirectory(confD)) {
            register(ws, confD);
        }
        return new ConfigWatcher(ws, onChange);
    }

    private static void register(WatchService ws, Path dir) throws IOException {
        dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    private void loop(Runnable onChange) {
        try {
            while (true) {
                if (!drain(watch.take())) {
                    continue; // e.g. an access log written next to the config
                }
                // settle: wait until no relevant change arrived for the debounce time; unrelated
                // files in the folder must not postpone the reload forever
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEBOUNCE_MS);
                long wait;
                while ((wait = deadline - System.nanoTime()) > 0) {
                    WatchKey more = watch.poll(wait, TimeUnit.NANOSECONDS);
                    if (more != null && drain(more)) {
                        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEBOUNCE_MS);
                    }
                }
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.warn("reload after a file change failed: {}", e.toString());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private static boolean drain(WatchKey key) {
        boolean relevant = false;
        for (var event : key.pollEvents()) {
            Object ctx = event.context();
            String name = ctx == null ? "" : ctx.toString();
            if (name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("conf.d") || name.startsWith("..")) {
                relevant = true;
            }
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException ignored) {
            // nothing to release beyond the service itself
        }
        thread.interrupt();
    }
}
