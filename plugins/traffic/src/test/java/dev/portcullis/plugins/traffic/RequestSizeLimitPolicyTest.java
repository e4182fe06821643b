package dev.portcullis.plugins.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.spi.Body;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.GatewayException;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.CollectingConfigErrors;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class RequestSizeLimitPolicyTest {

    private final Policy limit = new RequestSizeLimitPolicyFactory()
            .create(new RequestSizeLimitConfig(DataSize.parse("1KiB")), null);

    private static TestExchange post(Body body) {
        return TestRequest.post("/upload").body(body).exchange();
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeReading() {
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body must not be read");
            }
        };
        Verdict verdict = limit.onRequest(post(Body.of(neverRead, 1025)));

        assertThat(verdict).isInstanceOf(Verdict.Reject.class);
        var failure = ((Verdict.Reject) verdict).failure();
        assertThat(failure.status()).isEqualTo(413);
        assertThat(failure.code()).isEqualTo("body-too-large");
        assertThat(failure.detail()).isEqualTo("request body of 1025 bytes exceeds the limit of 1024 bytes");
    }

    @Test
    void contentLengthHeaderCountsWhenTheBodyLengthIsUnknown() {
        TestExchange exchange = post(Body.of(new ByteArrayInputStream(new byte[10]), -1));
        exchange.request().headers().add("Content-Length", "2048");

        Verdict verdict = limit.onRequest(exchange);

        assertThat(((Verdict.Reject) verdict).failure().detail())
                .isEqualTo("request body of 2048 bytes exceeds the limit of 1024 bytes");
    }

    @Test
    void declaredLengthAtTheLimitPassesUntouched() {
        Body body = Body.of(new byte[1024]);
        TestExchange exchange = post(body);

        assertThat(limit.onRequest(exchange)).isEqualTo(Verdict.proceed());
        assertThat(exchange.request().body()).isSameAs(body);
    }

    @Test
    void chunkedBodyWithinTheLimitStreamsThroughWhole() throws Exception {
        byte[] data = new byte[1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        TestExchange exchange = post(Body.of(new ByteArrayInputStream(data), -1));

        assertThat(limit.onRequest(exchange)).isEqualTo(Verdict.proceed());
        assertThat(exchange.request().body().length()).isEqualTo(-1);
        try (InputStream in = exchange.request().body().stream()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void chunkedBodyOverTheLimitFailsWhileStreaming() {
        TestExchange exchange = post(Body.of(new ByteArrayInputStream(new byte[5000]), -1));
        assertThat(limit.onRequest(exchange)).isEqualTo(Verdict.proceed());

        InputStream in = exchange.request().body().stream();
        assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.failure().status()).isEqualTo(413);
                    assertThat(e.failure().code()).isEqualTo("body-too-large");
                    assertThat(e.failure().detail()).isEqualTo("request body exceeds the limit of 1024 bytes");
                });
    }

    @Test
    void singleByteReadsAreCountedToo() throws Exception {
        TestExchange exchange = post(Body.of(new ByteArrayInputStream(new byte[1025]), -1));
        limit.onRequest(exchange);
        InputStream in = exchange.request().body().stream();
        for (int i = 0; i < 1024; i++) {
            assertThat(in.read()).isZero();
        }
        assertThatThrownBy(in::read).isInstanceOf(GatewayException.class);
    }

    @Test
    void emptyBodyPassesAndMaxBodyIsRequired() {
        assertThat(limit.onRequest(post(Body.empty()))).isEqualTo(Verdict.proceed());
        assertThat(CollectingConfigErrors.of(new RequestSizeLimitConfig(null))).containsExactly("maxBody: required (e.g. 1MiB)");
    }
}
