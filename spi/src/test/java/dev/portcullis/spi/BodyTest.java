package dev.portcullis.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyTest {

    @Test
    void bufferingKeepsTheBytesForLaterReads() throws IOException {
        Body b = Body.of(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)), -1);
        assertThat(b.text(100)).isEqualTo("hello");
        assertThat(b.isBuffered()).isTrue();
        assertThat(b.length()).isEqualTo(5);
        assertThat(new String(b.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void aBodyTooLargeToBufferIsStillForwardedWhole() throws IOException {
        Body b = Body.of(new ByteArrayInputStream("0123456789".getBytes(StandardCharsets.UTF_8)), -1);
        assertThatThrownBy(() -> b.bytes(4)).isInstanceOf(BodyTooLargeException.class);
        assertThat(new String(b.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
    }

    @Test
    void aDeclaredLengthOverTheLimitFailsWithoutReading() {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[10]);
        Body b = Body.of(in, 10);
        assertThatThrownBy(() -> b.bytes(4)).isInstanceOf(BodyTooLargeException.class);
        assertThat(in.available()).isEqualTo(10);
    }

    /** A stream that hands out at most {@code step} bytes per read, as a socket does. */
    static java.io.InputStream trickle(byte[] bytes, int step) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @Test
    void readingGrowsPastItsFirstGuessAndStopsAtTheLimit() throws IOException {
        byte[] data = new byte[5000];
        new java.util.Random(7).nextBytes(data);
        assertThat(Body.read(trickle(data, 333), 10_000)).isEqualTo(data);
        assertThat(Body.read(trickle(data, 333), 4096)).isEqualTo(java.util.Arrays.copyOf(data, 4096));
        assertThat(Body.read(trickle(data, 333), 5000)).isEqualTo(data);
        assertThat(Body.read(new ByteArrayInputStream(new byte[0]), 10)).isEmpty();
        assertThat(Body.read(trickle(data, 1), 0)).isEmpty();
    }

    @Test
    void aDeclaredLengthSizesTheBufferYetMoreBytesThanDeclaredAreNotLost() throws IOException {
        byte[] data = "exactly this".getBytes(StandardCharsets.UTF_8);
        Body exact = Body.of(trickle(data, 5), data.length);
        assertThat(exact.bytes(100)).isEqualTo(data);

        // a stream longer than it said: everything up to the limit is read, as without a length
        byte[] more = "declared short, is longer".getBytes(StandardCharsets.UTF_8);
        assertThat(Body.of(trickle(more, 4), 8).bytes(100)).isEqualTo(more);
        Body over = Body.of(trickle(more, 4), 8);
        assertThatThrownBy(() -> over.bytes(10)).isInstanceOf(BodyTooLargeException.class);
        assertThat(over.stream().readAllBytes()).isEqualTo(more);

        // a stream shorter than it said: what came is what there is
        assertThat(Body.of(trickle(data, 3), 50).bytes(100)).isEqualTo(data);
    }
}
