package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.spi.Embedder;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import dev.portcullis.testkit.TestExchange;
import dev.portcullis.testkit.TestPluginContext;
import dev.portcullis.testkit.TestRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy against the SPI alone: what it does when its embedder fails. */
class SemanticCachePolicyTest {

    /** An embedder whose inference fails, as a closed or broken ONNX session would. */
    static final class BrokenEmbedder implements Embedder {
        int calls;

        @Override
        public float[] embed(String text) {
            calls++;
            throw new IllegalStateException("inference failed");
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            throw new IllegalStateException("inference failed");
        }

        @Override
        public int dimensions() {
            return 384;
        }

        @Override
        public String model() {
            return "broken";
        }
    }

    @Test
    void aFailingEmbedderMakesAMissNotAFailedRequest() {
        BrokenEmbedder broken = new BrokenEmbedder();
        try (TestPluginContext context = new TestPluginContext().withComponent(Embedder.class, "broken", broken)) {
            Policy cache = new SemanticCachePolicyFactory().create(
                    new SemanticCacheConfig("broken", null, null, null, null, null, null, null, null), context);
            TestExchange exchange = TestRequest.post("/v1/chat/completions")
                    .json("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"What is a moat?\"}]}").exchange();

            assertThat(cache.onRequest(exchange)).isEqualTo(Verdict.proceed());
            assertThat(broken.calls).isEqualTo(1);
            assertThat(exchange.attributes().has(AnswerCapture.KEY)).isTrue(); // the answer may still be stored for exact matches
        }
    }
}
