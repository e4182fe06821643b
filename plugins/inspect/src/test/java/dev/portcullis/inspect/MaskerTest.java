package dev.portcullis.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.detect.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskerTest {

    @Test
    void templatesKeepLastAndOverlaps() {
        Masker masker = new Masker(new InspectConfig.Mask("<{kind}>", Map.of("payment-card", 4)));
        String text = "a 4111-1111-1111-1111 b x@y.test";
        List<Span> spans = List.of(new Span(24, 32, "email", 1), new Span(2, 21, "payment-card", 1), new Span(7, 16, "phone", 0.5));
        assertThat(masker.mask(text, spans)).isEqualTo("a ****-****-****-1111 b <email>");
    }
}
