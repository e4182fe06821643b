package dev.portcullis.plugins.llm;

import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.llm.ChatError;
import dev.portcullis.spi.llm.ChatStreamEvent;
import dev.portcullis.spi.llm.ProviderAdapter;
import dev.portcullis.spi.llm.Usage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A provider's event stream translated for the client, one upstream event at a time: read a
 * provider event, decode it to canonical events, encode those in the client's format. Never
 * throws for an upstream failure: a broken, truncated or unreadable upstream stream ends the
 * client's stream with an error event in its format. {@link #close()} closes the upstream body,
 * which aborts the provider request when the client went away.
 */
final class LlmEventSource implements EventSource {

    /** Told once when the stream is over: the usage seen (or null), the response model, an error or null. */
    interface Completion {
        void done(Usage usage, String responseModel, ChatError error);
    }

    private final SseReader upstream;
    private final ProviderAdapter.StreamDecoder decoder;
    private final StreamEncoder encoder;
    private final Completion completion;
    private final ArrayDeque<SseEvent> queue = new ArrayDeque<>(8);
    private final List<SseEvent> encoded = new ArrayList<>(4);
    private final Consumer<ChatStreamEvent> sink = this::onCanonical;

    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean idledOut;
    private ScheduledFuture<?> watchdog;
    private long idleMillis;
    private boolean ended;      // a terminal canonical event (end or error) was seen
    private boolean completed;
    private boolean sawContent; // anything beyond the start reached the queue
    private Usage usage;
    private String responseModel;
    private ChatError error;

    LlmEventSource(SseReader upstream, ProviderAdapter.StreamDecoder decoder, StreamEncoder encoder, Completion completion) {
        this.upstream = upstream;
        this.decoder = decoder;
        this.encoder = encoder;
        this.completion = completion;
    }

    /**
     * Ends the stream with an error when the provider stays silent longer than {@code idle}: a
     * watchdog on {@code scheduler} closes the upstream body, which fails the blocked read.
     */
    void watch(ScheduledExecutorService scheduler, Duration idle) {
        idleMillis = idle.toMillis();
        long idleNanos = idle.toNanos();
        long period = Math.max(idleNanos / 4, TimeUnit.MILLISECONDS.toNanos(10));
        watchdog = scheduler.scheduleAtFixedRate(() -> {
            if (!idledOut && System.nanoTime() - lastActivityNanos > idleNanos) {
                idledOut = true;
                upstream.close();
            }
        }, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Reads upstream until the first content (text, tool call or stop), before anything is sent
     * to the client, so a provider that fails before it says anything can still be failed over. Returns null when the stream
     * started, else the failure (the source is then closed).
     */
    ChatError prime() {
        while (!sawContent && !ended) {
            SseEvent up;
            try {
                up = upstream.next();
                lastActivityNanos = System.nanoTime();
            } catch (IOException e) {
                return abandon(new ChatError(502, idledOut ? idleMessage() : "the provider's stream broke before it started"));
            }
            if (up == null) {
                return abandon(new ChatError(502, idledOut ? idleMessage() : "the provider's stream ended before it started"));
            }
            try {
                decoder.decode(up, sink);
            } catch (IllegalArgumentException e) {
                return abandon(new ChatError(502, "the provider sent an unreadable event: " + e.getMessage()));
            }
            if (error != null && !sawContent) {
                return abandon(error);
            }
        }
        return null;
    }

    private ChatError abandon(ChatError e) {
        stopWatching();
        upstream.close();
        return e;
    }

    private String idleMessage() {
        return "the provider sent nothing for " + idleMillis + "ms";
    }

    private void stopWatching() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
    }

    @Override
    public SseEvent next() {
        while (queue.isEmpty()) {
            if (ended) {
                complete();
                return null;
            }
            pull();
        }
        return queue.poll();
    }

    private void pull() {
        SseEvent up;
        try {
            up = upstream.next();
            lastActivityNanos = System.nanoTime();
        } catch (IOException e) {
            fail(idledOut ? idleMessage() : "the provider's stream broke: " + e.getClass().getSimpleName());
            return;
        }
        if (up == null) {
            fail(idledOut ? idleMessage() : "the provider's stream ended before the answer was complete");
            return;
        }
        try {
            decoder.decode(up, sink);
        } catch (IllegalArgumentException e) {
            fail("the provider sent an unreadable event: " + e.getMessage());
        }
    }

    private void fail(String message) {
        onCanonical(new ChatStreamEvent.Error(new ChatError(502, message)));
    }

    private void onCanonical(ChatStreamEvent e) {
        if (ended) {
            return;
        }
        switch (e) {
            case ChatStreamEvent.MessageStart s -> responseModel = s.model();
            case ChatStreamEvent.UsageUpdate u -> usage = u.usage();
            case ChatStreamEvent.MessageEnd end -> ended = true;
            case ChatStreamEvent.Error err -> {
                ended = true;
                error = err.error();
            }
            default -> sawContent = true;
        }
        encoder.encode(e, encoded);
        queue.addAll(encoded);
        encoded.clear();
    }

    private void complete() {
        if (!completed) {
            completed = true;
            stopWatching();
            upstream.close();
            completion.done(usage, responseModel, error);
        }
    }

    @Override
    public void close() {
        stopWatching();
        upstream.close();
        if (!completed) {
            completed = true;
            completion.done(usage, responseModel, error != null ? error : new ChatError(499, "the client went away"));
        }
    }
}
