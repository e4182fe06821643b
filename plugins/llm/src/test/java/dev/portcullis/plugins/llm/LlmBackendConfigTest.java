package dev.portcullis.plugins.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmBackendConfigTest {

    static LlmBackendConfig.ProviderConfig provider(String name, String type, String url, String key, Map<String, String> models) {
        return new LlmBackendConfig.ProviderConfig(name, type, url, key, models, null, null, null);
    }

    @Test
    void reportsEveryProblemWithItsPath() {
        LlmBackendConfig c = new LlmBackendConfig(null, List.of(
                provider("a", "openai", "ftp://x", null, Map.of()),
                provider("a", null, "https://g.example", "k", Map.of("m", "n"))),
                new LlmBackendConfig.RetryConfig(0, Duration.ofMillis(100), Duration.ofMillis(10)),
                new LlmBackendConfig.BreakerConfig(0, null), null, null, Duration.ZERO, null, null, null);
        RecordingErrors errors = new RecordingErrors();
        c.validate(errors);
        assertThat(errors.lines).containsExactlyInAnyOrder(
                "providers[0].baseUrl: not an absolute http(s) URL",
                "providers[0].apiKey: is required for type openai",
                "providers[0].models: at least one model alias is required (alias: provider-model)",
                "providers[1].type: is required (openai, anthropic, azure-openai, openai-compatible, gemini, or a type from a plugin)",
                "providers[1].name: duplicate provider name 'a'",
                "retry.attempts: must be between 1 and 10",
                "retry.maxBackoff: must not be shorter than backoff",
                "circuitBreaker.failures: must be at least 1",
                "streamIdleTimeout: must be at least 10ms");
    }

    @Test
    void defaultsAndAKeylessCompatibleProvider() {
        LlmBackendConfig c = new LlmBackendConfig(null, List.of(
                provider("ollama", "openai-compatible", "http://127.0.0.1:11434/v1", null, Map.of("llama", "llama3.2"))),
                null, null, null, null, null, null, null, null);
        RecordingErrors errors = new RecordingErrors();
        c.validate(errors);
        assertThat(errors.lines).isEmpty();
        assertThat(c.strategy()).isEqualTo(LlmBackendConfig.Strategy.FAILOVER);
        assertThat(c.retry().backoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.circuitBreaker().failures()).isEqualTo(5);
        assertThat(c.providers().get(0).toString()).contains("apiKey=<redacted>");
    }

    @Test
    void costPricesMustNameTheProvidersModelsAndBeComplete() {
        LlmBackendConfig c = new LlmBackendConfig(LlmBackendConfig.Strategy.COST, List.of(
                new LlmBackendConfig.ProviderConfig("a", "openai", "https://a.example/v1", "k", Map.of("chat", "gpt-4o-mini"), null, null,
                        Map.of("gpt-4o", new BudgetConfig.Price(1.0, 2.0, null),
                                "gpt-4o-mini", new BudgetConfig.Price(0.1, null, null)))),
                null, null, null, null, null, null, null, null);
        RecordingErrors errors = new RecordingErrors();
        c.validate(errors);
        assertThat(errors.lines).containsExactlyInAnyOrder(
                "providers[0].prices.gpt-4o: not one of this provider's models [gpt-4o-mini]",
                "providers[0].prices.gpt-4o-mini: needs input and output prices (per 1M tokens)");
    }
}
