package dev.portcullis.benchmarks;

import dev.portcullis.kernel.sse.SseEncoder;
import dev.portcullis.kernel.sse.SseParser;
import dev.portcullis.spi.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kernel's per-event work on an event stream that a policy hooks into (an {@code http}
 * route whose policies have stream hooks: the listener parses the upstream's events, passes each
 * through the hooks, and encodes it again): {@link SseParser#next()} and {@link SseEncoder#encode}.
 * Streams without hooks are copied as bytes and never reach this code.
 *
 * <p>The event is an OpenAI {@code chat.completion.chunk} of one token, 186 bytes on the wire
 * ({@code data: {...}} and a blank line), repeated; {@code parse} reads one event per operation
 * from an {@link InputStream} that behaves like the upstream response body (single-byte
 * {@code read()} goes through {@code read(byte[], int, int)}, as the kernel's body streams do),
 * so what is measured is the parser's own reading and decoding. {@code encode} writes one event.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SseBench -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseBench {

    /** One token of a chat completion stream, as OpenAI sends it. */
    public static final String EVENT = "data: {\"id\":\"chatcmpl-9xYzAbCdEf\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1732400000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" token\"},\"finish_reason\":null}]}\n\n";

    private static final int EVENTS_PER_BUFFER = 4096;

    private byte[] wire;
    private SseParser parser;
    private BodyLikeStream stream;
    private SseEvent event;

    /** Builds the event stream and the event to encode. */
    @Setup(Level.Trial)
    public void setUp() {
        wire = EVENT.repeat(EVENTS_PER_BUFFER).getBytes(StandardCharsets.UTF_8);
        stream = new BodyLikeStream(wire);
        parser = new SseParser(stream, 4 * 1024 * 1024);
        event = SseEvent.data(EVENT.substring("data: ".length(), EVENT.length() - 2));
    }

    /** Parses the next event (the stream restarts from the beginning when used up). */
    @Benchmark
    public SseEvent parse() throws IOException {
        SseEvent e = parser.next();
        if (e == null) {
            stream.rewind();
            e = parser.next();
        }
        return e;
    }

    /** Encodes one event. */
    @Benchmark
    public byte[] encode() {
        return SseEncoder.encode(event);
    }

    /** Bytes of one event on the wire (for the smoke test). */
    public static int eventBytes() {
        return EVENT.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * A body stream over an array: {@code read()} delegates to {@code read(byte[], int, int)} with
     * a one-byte array, as the kernel's {@code ResponseBody} does; not synchronized.
     */
    static final class BodyLikeStream extends InputStream {
        private final byte[] data;
        private final byte[] one = new byte[1];
        private int pos;

        BodyLikeStream(byte[] data) {
            this.data = data;
        }

        void rewind() {
            pos = 0;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
