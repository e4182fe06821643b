package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.kernel.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code cost} strategy through the gateway: the provider whose model is cheapest serves,
 * whatever the config order, and the next cheapest takes over when it fails.
 */
class CostStrategyGatewayTest {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static MockProviders mocks;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        mocks = new MockProviders();
        String m = mocks.url();
        // config order is expensive first everywhere: only the prices can put the cheap one first
        gateway = TestGateway.start("""
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    backend:
                      type: llm
                      strategy: cost
                      retry: { backoff: 1ms }
                      providers:
                        - { name: premium, type: openai, baseUrl: "%1$s/openai/ok/v1", apiKey: "k",
                            models: { chat: big, fallback: big, tie: same, illustrative: gpt-4o, unpriced: mystery },
                            prices: { big: { input: 2.50, output: 10.00 }, same: { input: 1, output: 1 } } }
                        - { name: budget, type: anthropic, baseUrl: "%1$s/anthropic/ok", apiKey: "k",
                            models: { chat: small, tie: same, illustrative: gpt-4o-mini, unpriced: small },
                            prices: { small: { input: 0.25, output: 1.25 }, same: { input: 1.5, output: 0.5 } } }
                        - { name: budget-down, type: anthropic, baseUrl: "%1$s/anthropic/down", apiKey: "k",
                            models: { fallback: small }, prices: { small: { input: 0.25, output: 1.25 } } }
                """.formatted(m), Map.of());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (mocks != null) {
            mocks.close();
        }
    }

    static String servedBy(String alias) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + alias + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("X-Portcullis-Provider").orElseThrow();
    }

    @Test
    void theCheapestProviderServesEveryTime() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(servedBy("chat")).isEqualTo("budget");
        }
    }

    @Test
    void whenTheCheapestFailsTheNextCheapestTakesOver() throws Exception {
        int before = mocks.received("/anthropic/down/").size();
        assertThat(servedBy("fallback")).isEqualTo("premium");
        // the cheap provider was asked first and answered 503
        assertThat(mocks.received("/anthropic/down/")).hasSize(before + 1);
    }

    @Test
    void equalPricesKeepConfigOrder() throws Exception {
        assertThat(servedBy("tie")).isEqualTo("premium");
    }

    @Test
    void unconfiguredModelsUseTheIllustrativePricesAndUnpricedOnesGoLast() throws Exception {
        assertThat(servedBy("illustrative")).isEqualTo("budget");   // gpt-4o-mini is cheaper than gpt-4o
        assertThat(servedBy("unpriced")).isEqualTo("budget");       // 'mystery' has no price at all
    }
}
