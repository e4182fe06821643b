package dev.portcullis.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A request or response body. Bodies stream by default: nothing is read into memory unless a
 * policy asks for {@link #bytes(long)}, after which the buffered bytes are what flows on.
 *
 * <p>A body may also be a stream of server-sent events produced by a backend
 * ({@link #ofEvents(EventSource)}); the kernel then writes the events one by one and hands each
 * to the route's {@link StreamHook}s without re-parsing.
 */
public final class Body {

    private static final byte[] NONE = new byte[0];
    private static final Body EMPTY = new Body(null, NONE, 0, null);

    private InputStream stream;
    private byte[] buffered;
    private long length;
    private final EventSource events;

    private Body(InputStream stream, byte[] buffered, long length, EventSource events) {
        this.stream = stream;
        this.buffered = buffered;
        this.length = length;
        this.events = events;
    }

    /** A body with no bytes. */
    public static Body empty() {
        return EMPTY;
    }

    /** A body holding {@code bytes}. */
    public static Body of(byte[] bytes) {
        return new Body(null, bytes, bytes.length, null);
    }

    /** A UTF-8 text body. */
    public static Body of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A streamed body; {@code length} is the byte count, or -1 when unknown (chunked). */
    public static Body of(InputStream stream, long length) {
        return new Body(stream, null, length, null);
    }

    /** A body that is a stream of server-sent events. */
    public static Body ofEvents(EventSource events) {
        return new Body(null, null, -1, events);
    }

    /** Byte length if known, else -1. Event bodies are always -1. */
    public long length() {
        return length;
    }

    /** Whether this body is known to hold no bytes. */
    public boolean isEmpty() {
        return length == 0;
    }

    /** Whether the bytes are in memory (a policy read them, or the body was made from bytes). */
    public boolean isBuffered() {
        return buffered != null;
    }

    /** The event source when this body was made with {@link #ofEvents}, else {@code null}. */
    public EventSource events() {
        return events;
    }

    /**
     * The body as a stream. For a streamed body this consumes it: call once. Buffered bodies may be
     * streamed any number of times.
     */
    public InputStream stream() {
        if (buffered != null) {
            return new ByteArrayInputStream(buffered);
        }
        if (events != null) {
            throw new IllegalStateException("an event body is read with events()");
        }
        return stream;
    }

    /**
     * Reads the whole body into memory, at most {@code maxBytes}; later calls and {@link #stream()}
     * return the same bytes. A body longer than {@code maxBytes} is left intact: what was read is
     * put back in front of the rest, so the body can still be forwarded as it came.
     *
     * @throws BodyTooLargeException when the body is longer than {@code maxBytes}
     * @throws UncheckedIOException when the underlying stream fails
     */
    public byte[] bytes(long maxBytes) {
        if (buffered != null) {
            if (buffered.length > maxBytes) {
                throw new BodyTooLargeException(maxBytes);
            }
            return buffered;
        }
        if (events != null) {
            throw new IllegalStateException("an event body is read with events()");
        }
        if (length > maxBytes) {
            throw new BodyTooLargeException(maxBytes);
        }
        try {
            int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
            // a declared length sizes the buffer exactly: no growing, no copy
            byte[] head = read(stream, cap + 1, length >= 0 ? (int) length : 1024);
            if (head.length > cap) {
                stream = new java.io.SequenceInputStream(new ByteArrayInputStream(head), stream);
                throw new BodyTooLargeException(maxBytes);
            }
            stream.close();
            buffered = head;
            length = head.length;
            stream = null;
            return head;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code in} to its end or to {@code limit} bytes, whichever comes first, like
     * {@link InputStream#readNBytes(int)} but in a buffer that starts small and doubles:
     * {@code readNBytes} takes 16 KiB chunks, even for the few hundred bytes of a typical JSON
     * request, and that garbage was the largest allocation of a chat call.
     *
     * @param limit most bytes to read; reading stops there even if more follow
     * @return the bytes read, an array of exactly that length
     */
    public static byte[] read(InputStream in, int limit) throws IOException {
        return read(in, limit, 1024);
    }

    private static byte[] read(InputStream in, int limit, int expected) throws IOException {
        byte[] buf = new byte[Math.min(Math.max(expected, 1), limit)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n == limit) {
                    return buf;
                }
                int next = in.read(); // full: is there more, or did the guess fit exactly?
                if (next < 0) {
                    return buf;
                }
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(2L * n + 1, limit));
                buf[n++] = (byte) next;
                continue;
            }
            int got = in.read(buf, n, buf.length - n);
            if (got < 0) {
                return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
            }
            n += got;
        }
    }

    /** The body as UTF-8 text, at most {@code maxBytes}. */
    public String text(long maxBytes) {
        return new String(bytes(maxBytes), StandardCharsets.UTF_8);
    }

    /** Closes the underlying stream or event source without reading it. */
    public void discard() {
        try {
            if (stream != null) {
                stream.close();
            }
            if (events != null) {
                events.close();
            }
        } catch (Exception ignored) {
            // nothing useful to do about a close failure of a body nobody wants
        }
    }
}
