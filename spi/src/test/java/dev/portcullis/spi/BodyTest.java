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
}
