package dev.portcullis.plugins.llm;

import dev.portcullis.kernel.testing.TestGateway;

/**
 * The gateway with one {@code llm} route over the mock providers. Aliases: {@code gpt} (OpenAI
 * mock), {@code claude} (Anthropic mock), {@code failover} (OpenAI 503 first, then Anthropic),
 * {@code claude-broken} (Anthropic error event mid-stream), {@code reset} (connection reset
 * mid-stream), {@code slow} (a slow OpenAI stream), {@code stall} (a stream that falls silent), {@code early-error} (an Anthropic stream
 * that fails before content, then OpenAI).
 */
final class LlmFixture implements AutoCloseable {

    static final String CLIENT_KEY = "sk-client-secret-never-forwarded";
    static final String OPENAI_KEY = "sk-provider-openai";
    static final String ANTHROPIC_KEY = "sk-ant-provider";

    final MockProviders mocks = new MockProviders();
    final ResettingProvider resetting = new ResettingProvider();
    final TestGateway gateway;
    final String yaml;

    LlmFixture() {
        String m = mocks.url();
        yaml = """
                server: { accessLog: { enabled: false } }
                routes:
                  - name: llm
                    match: { pathPrefix: /v1 }
                    policies: [ { type: llm-test-reject } ]
                    backend:
                      type: llm
                      strategy: failover
                      retry: { backoff: 10ms }
                      timeout: 5s
                      streamIdleTimeout: 500ms
                      providers:
                        - { name: claude-early, type: anthropic, baseUrl: "%s/anthropic/early-error", apiKey: "${ANTHROPIC_KEY}", models: { early-error: claude-haiku-4-5 } }
                        - { name: openai-down, type: openai, baseUrl: "%s/openai/down/v1", apiKey: "${OPENAI_KEY}", models: { failover: gpt-4o-mini } }
                        - { name: openai, type: openai, baseUrl: "%s/openai/ok/v1", apiKey: "${OPENAI_KEY}", models: { gpt: gpt-4o-mini, early-error: gpt-4o-mini, embed: text-embedding-3-small } }
                        - { name: claude, type: anthropic, baseUrl: "%s/anthropic/ok", apiKey: "${ANTHROPIC_KEY}", models: { claude: claude-haiku-4-5, failover: claude-haiku-4-5 } }
                        - { name: claude-broken, type: anthropic, baseUrl: "%s/anthropic/error", apiKey: "${ANTHROPIC_KEY}", models: { claude-broken: claude-haiku-4-5 } }
                        - { name: resetting, type: openai-compatible, baseUrl: "%s/v1", models: { reset: llama3 } }
                        - { name: slow, type: openai, baseUrl: "%s/openai/slow/v1", apiKey: "${OPENAI_KEY}", models: { slow: gpt-4o-mini } }
                        - { name: stall, type: openai, baseUrl: "%s/openai/stall/v1", apiKey: "${OPENAI_KEY}", models: { stall: gpt-4o-mini } }
                """.formatted(m, m, m, m, m, resetting.url(), m, m);
        gateway = TestGateway.start(yaml, java.util.Map.of("OPENAI_KEY", OPENAI_KEY, "ANTHROPIC_KEY", ANTHROPIC_KEY));
    }

    @Override
    public void close() {
        gateway.close();
        mocks.close();
        resetting.close();
    }
}
