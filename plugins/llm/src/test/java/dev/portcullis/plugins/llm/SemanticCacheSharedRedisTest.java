package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import dev.portcullis.kernel.testing.TestGateway;
import dev.portcullis.plugins.redis.testing.RedisTestSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shared mode: two whole gateways (two nodes) with the semantic cache in one real Redis
 * (127.0.0.1:6379). An answer stored through one node serves a paraphrase on the other, scopes
 * stay apart, an admin DELETE on one node takes effect on both, and no Redis key names a consumer.
 */
class SemanticCacheSharedRedisTest {

    @Test
    void twoNodesShareEntriesAndInvalidation() throws Exception {
        RedisTestSupport.requireLocalRedis();
        String prefix = RedisTestSupport.uniquePrefix("semantic-cache");
        List<OpenAIClient> clients = new ArrayList<>();
        try (EchoProvider provider = new EchoProvider()) {
            String yaml = """
                    server: { accessLog: { enabled: false }, watchConfig: false }
                    stores:
                      shared: { type: redis, uri: "%s", keyPrefix: "%s", timeout: 2s }
                    components:
                      minilm: { type: onnx-embedder }
                    routes:
                      - name: llm
                        match: { pathPrefix: /v1 }
                        policies: [ { type: llm-test-identity }, { type: semantic-cache, embedder: minilm, store: shared, ttl: 1m } ]
                        backend:
                          type: llm
                          retry: { attempts: 1 }
                          providers:
                            - { name: echo, type: openai, baseUrl: "%s", apiKey: "k", models: { gpt: gpt-4o-mini } }
                    """.formatted(RedisTestSupport.URI, prefix, provider.baseUrl());
            try (TestGateway nodeA = TestGateway.start(yaml, Map.of()); TestGateway nodeB = TestGateway.start(yaml, Map.of())) {
                OpenAIClient aliceOnA = sdk(nodeA, "alice", clients);
                OpenAIClient aliceOnB = sdk(nodeB, "alice", clients);
                OpenAIClient bobOnB = sdk(nodeB, "bob", clients);

                HttpResponseFor<ChatCompletion> first = SemanticCacheGatewayTest.call(aliceOnA, "Summarize this document");
                assertThat(SemanticCacheGatewayTest.cacheHeader(first)).isEqualTo("MISS");
                assertThat(provider.calls()).isEqualTo(1);

                HttpResponseFor<ChatCompletion> onB = SemanticCacheGatewayTest.call(aliceOnB, "Give me a summary of this text");
                assertThat(SemanticCacheGatewayTest.cacheHeader(onB)).isEqualTo("HIT");
                assertThat(onB.headers().values("X-Cache-Match")).containsExactly("semantic");
                assertThat(SemanticCacheGatewayTest.text(onB)).isEqualTo(EchoProvider.answerTo("Summarize this document"));
                assertThat(provider.calls()).isEqualTo(1);

                // another consumer on the same node: its own scope
                assertThat(SemanticCacheGatewayTest.cacheHeader(SemanticCacheGatewayTest.call(bobOnB, "Summarize this document")))
                        .isEqualTo("MISS");
                assertThat(provider.calls()).isEqualTo(2);

                RedisClient redisClient = RedisClient.create(RedisTestSupport.URI);
                try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
                    List<String> keys = redis.sync().keys(prefix + "*");
                    assertThat(keys).isNotEmpty().noneMatch(k -> k.contains("alice") || k.contains("bob"));
                } finally {
                    redisClient.shutdown();
                }

                // invalidating alice through node B's admin API: node A misses too (it re-reads before serving)
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(nodeB.adminUri("/api/routes/llm/admin/cache/alice"))
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(deleted.statusCode()).isEqualTo(200);
                assertThat(deleted.body()).contains("\"removed\":1");
                assertThat(SemanticCacheGatewayTest.cacheHeader(SemanticCacheGatewayTest.call(aliceOnA, "Summarize this document")))
                        .isEqualTo("MISS");
                assertThat(SemanticCacheGatewayTest.cacheHeader(SemanticCacheGatewayTest.call(bobOnB, "Give me a summary of this text")))
                        .isEqualTo("HIT");
                assertThat(provider.calls()).isEqualTo(3);
            } finally {
                clients.forEach(OpenAIClient::close);
            }
        } finally {
            RedisTestSupport.deleteKeys(prefix);
        }
    }

    private static OpenAIClient sdk(TestGateway node, String consumer, List<OpenAIClient> clients) {
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(node.uri("/v1").toString()).apiKey("sk-client")
                .putHeader("X-Test-Consumer", consumer).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        clients.add(c);
        return c;
    }
}
