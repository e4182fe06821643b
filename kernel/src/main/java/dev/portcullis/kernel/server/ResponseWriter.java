package dev.portcullis.kernel.server;

import dev.portcullis.kernel.sse.SseEncoder;
import dev.portcullis.kernel.sse.SseParser;
import dev.portcullis.upstream.HopByHop;
import dev.portcullis.spi.Body;
import dev.portcullis.spi.EventSink;
import dev.portcullis.spi.EventSource;
import dev.portcullis.spi.Headers;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.SseEvent;
import dev.portcullis.spi.StreamHook;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link Response} to the client without buffering it: bytes are copied as they arrive
 * and flushed per read when the length is unknown, so server-sent events reach the client as the
 * upstream sends them. Event streams with policy hooks are parsed and passed through the hooks
 * one event at a time.
 */
public final class ResponseWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);
    private static final int BUFFER = 16 * 1024;
    /**
     * Copy buffer of an event stream passed through unparsed: events are small and each read is
     * flushed at once, so a large buffer buys nothing, while thousands of idle streams each hold one.
     */
    private static final int EVENT_BUFFER = 4 * 1024;
    /** Bodies of known length up to this are read whole and sent in one write (no stream set-up). */
    private static final int SMALL_BODY = 64 * 1024;
    private static final int MAX_EVENT = 4 * 1024 * 1024;

    /**
     * What happened while writing.
     *
     * @param bytesOut       body bytes sent
     * @param clientGone     the client went away before the end
     * @param upstreamFailed the upstream failed after bytes were sent: the caller aborts the connection
     * @param statusSent     the status actually sent when it differs from the response's, else 0
     */
    public record Outcome(long bytesOut, boolean clientGone, boolean upstreamFailed, int statusSent) {
        Outcome(long bytesOut, boolean clientGone, boolean upstreamFailed) {
            this(bytesOut, clientGone, upstreamFailed, 0);
        }
    }

    private ResponseWriter() {}

    /** Writes status, headers and body; never throws for a client that went away. */
    public static Outcome write(Response r, ServerResponse res, String requestId, List<StreamHook> hooks, boolean head) {
        res.status(Status.create(r.status()));
        copyHeaders(r.headers(), res);
        res.header(HeaderValues.create("X-Request-Id", requestId));
        Body body = r.body();
        if (head) {
            body.discard();
            res.send();
            return new Outcome(0, false, false);
        }
        try {
            if (body.events() != null || (r.isEventStream() && !hooks.isEmpty())) {
                return writeEvents(body, res, hooks);
            }
            if (body.isBuffered() || body.isEmpty()) {
                byte[] bytes = body.isEmpty() ? new byte[0] : body.bytes(Long.MAX_VALUE);
                res.send(bytes);
                return new Outcome(bytes.length, false, false);
            }
            return copy(body, res, r.isEventStream());
        } catch (RuntimeException e) {
            // Helidon signals a vanished client with unchecked exceptions (ServerConnectionException)
            body.discard();
            return new Outcome(res.bytesWritten(), true, false);
        }
    }

    private static void copyHeaders(Headers headers, ServerResponse res) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.nameAt(i);
            if (HopByHop.is(name) || name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("x-request-id")
                    || seenBefore(headers, name, i)) {
                continue;
            }
            try {
                res.header(repeatedAfter(headers, name, i)
                        ? HeaderValues.create(name, headers.all(name).toArray(String[]::new))
                        : HeaderValues.create(name, headers.valueAt(i)));
            } catch (IllegalArgumentException invalid) {
                LOG.debug("dropping invalid response header {}", name);
            }
        }
    }

    /** Whether a line before {@code index} has {@code name}: its values were written together then. */
    private static boolean seenBefore(Headers headers, String name, int index) {
        for (int j = 0; j < index; j++) {
            if (headers.nameAt(j).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean repeatedAfter(Headers headers, String name, int index) {
        for (int j = index + 1, n = headers.size(); j < n; j++) {
            if (headers.nameAt(j).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static Outcome copy(Body body, ServerResponse res, boolean events) {
        long length = body.length();
        if (length >= 0 && length <= SMALL_BODY) {
            return sendSmall(body, res, (int) length);
        }
        if (length >= 0) {
            res.contentLength(length);
        }
        boolean flushEachRead = length < 0;
        long written = 0;
        InputStream in = body.stream();
        OutputStream out = null;
        int size = events ? EVENT_BUFFER : BUFFER;
        byte[] buf = new byte[length > 0 && length < size ? (int) length : size];
        try {
            out = res.outputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    // upstream failed mid-body: the caller aborts the connection so the client
                    // sees a truncated response, never a clean end
                    LOG.debug("upstream body failed after {} bytes: {}", written, e.toString());
                    return new Outcome(written, false, true);
                }
                if (n < 0) {
                    break;
                }
                try {
                    out.write(buf, 0, n);
                    if (flushEachRead) {
                        out.flush();
                    }
                } catch (IOException | RuntimeException e) {
                    return new Outcome(written, true, false);
                }
                written += n;
            }
            out.close();
            return new Outcome(written, false, false);
        } catch (IOException | RuntimeException e) {
            return new Outcome(written, true, false);
        } finally {
            closeQuietly(in);
        }
    }

    /**
     * The common case — a small JSON answer — in one write: reading it whole costs nothing extra
     * (it is already in the upstream socket's buffer) and saves Helidon's output-stream machinery
     * and a 16 KiB copy buffer per response.
     */
    private static Outcome sendSmall(Body body, ServerResponse res, int length) {
        byte[] bytes;
        try (InputStream in = body.stream()) {
            bytes = in.readNBytes(length);
        } catch (IOException e) {
            LOG.debug("upstream body failed: {}", e.toString());
            return sendBadGateway(res, "the upstream failed while sending its response: " + e.getMessage());
        }
        if (bytes.length < length) {
            // the upstream closed early, and nothing has been sent yet: say so with a 502
            // rather than send a short body under the promised length
            return sendBadGateway(res, "the upstream closed the connection after " + bytes.length + " of " + length + " bytes");
        }
        try {
            res.send(bytes);
            return new Outcome(bytes.length, false, false);
        } catch (RuntimeException e) {
            return new Outcome(0, true, false);
        }
    }

    private static Outcome sendBadGateway(ServerResponse res, String detail) {
        byte[] problem = dev.portcullis.kernel.chain.Problems.json(
                dev.portcullis.spi.Failure.of(502, "upstream-error", "Bad gateway", detail), null,
                res.headers().first(io.helidon.http.HeaderNames.create("X-Request-Id")).orElse(null))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            res.status(Status.BAD_GATEWAY_502);
            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/problem+json");
            res.send(problem);
            return new Outcome(problem.length, false, false, 502);
        } catch (RuntimeException e) {
            return new Outcome(0, true, false, 502);
        }
    }

    private static Outcome writeEvents(Body body, ServerResponse res, List<StreamHook> hooks) {
        EventSource source = body.events() != null ? body.events() : new SseParser(body.stream(), MAX_EVENT);
        res.headers().remove(io.helidon.http.HeaderNames.CONTENT_LENGTH);
        Terminal terminal;
        try {
            terminal = new Terminal(res.outputStream());
        } catch (RuntimeException e) {
            source.close();
            return new Outcome(0, true, false);
        }
        EventSink[] sinks = new EventSink[hooks.size() + 1];
        sinks[hooks.size()] = terminal;
        for (int i = hooks.size() - 1; i >= 0; i--) {
            sinks[i] = new HookSink(hooks.get(i), sinks[i + 1]);
        }
        boolean upstreamFailed = false;
        try {
            while (!terminal.ended) {
                SseEvent e;
                try {
                    e = source.next();
                } catch (IOException ex) {
                    LOG.debug("upstream event stream failed: {}", ex.toString());
                    upstreamFailed = true;
                    break;
                }
                if (e == null) {
                    for (int i = 0; i < hooks.size() && !terminal.ended; i++) {
                        hooks.get(i).onEnd(sinks[i + 1]);
                    }
                    break;
                }
                sinks[0].emit(e);
            }
            terminal.close();
            return new Outcome(terminal.written, false, upstreamFailed);
        } catch (ClientGone ex) {
            return new Outcome(terminal.written, true, upstreamFailed);
        } catch (IOException | RuntimeException ex) {
            // a stream hook failed: the stream cannot continue honestly; cut it (the caller aborts)
            LOG.error("a stream hook failed; ending the stream", ex);
            return new Outcome(terminal.written, false, true);
        } finally {
            source.close();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // releasing the upstream connection; nothing else to do
        }
    }

    /** The last sink: encodes and flushes each event to the client. */
    private static final class Terminal implements EventSink {
        final OutputStream out;
        boolean ended;
        long written;

        Terminal(OutputStream out) {
            this.out = out;
        }

        @Override
        public void emit(SseEvent event) throws IOException {
            if (ended) {
                return;
            }
            byte[] bytes = SseEncoder.encode(event);
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException | RuntimeException e) {
                throw new ClientGone(e);
            }
            written += bytes.length;
        }

        void close() throws ClientGone {
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                throw new ClientGone(e);
            }
        }

        @Override
        public void end() {
            ended = true;
        }
    }

    /** Writing to the client failed: it went away. */
    private static final class ClientGone extends IOException {
        ClientGone(Throwable cause) {
            super(cause);
        }
    }

    /** Feeds one hook and hands its output to the next sink. */
    private record HookSink(StreamHook hook, EventSink next) implements EventSink {
        @Override
        public void emit(SseEvent event) throws IOException {
            hook.onEvent(event, next);
        }

        @Override
        public void end() {
            next.end();
        }
    }
}
