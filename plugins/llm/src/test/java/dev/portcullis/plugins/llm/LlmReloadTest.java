package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reload while an {@code llm} stream runs: new calls go to the new config's backend (and its
 * own upstream client), the stream runs on on the retired one, whose backend closes its client
 * once the stream is over.
 */
class LlmReloadTest {

    static LlmFixture fx;

    @BeforeAll
    static void start() {
        fx = new LlmFixture();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aStreamOfARetiredConfigRunsOnAndNewCallsUseTheNewConfig() throws Exception {
        HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(fx.gateway.uri("/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}"))
                .build();
        HttpResponse<InputStream> r = own.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(ticks(in, 2)).isEqualTo(2);
            assertThat(fx.gateway.reload(fx.yaml).applied()).isTrue();
            // a call on the new config answers while the old config's stream goes on
            HttpResponse<String> fresh = own.send(HttpRequest.newBuilder(fx.gateway.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fresh.statusCode()).isEqualTo(200);
            assertThat(ticks(in, 10)).as("ticks after the reload").isEqualTo(10);
        }
        own.shutdownNow();
        assertThat(fx.mocks.slowStreamAbandoned.await(5, TimeUnit.SECONDS)).as("the provider stream ends with its client").isTrue();
    }

    private static int ticks(BufferedReader in, int want) throws java.io.IOException {
        int ticks = 0;
        String line;
        while (ticks < want && (line = in.readLine()) != null) {
            if (line.contains("tick")) {
                ticks++;
            }
        }
        return ticks;
    }
}
