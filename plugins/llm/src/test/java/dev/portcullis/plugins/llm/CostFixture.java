package dev.portcullis.plugins.llm;

import dev.portcullis.kernel.testing.TestGateway;
import java.util.Map;

/**
 * The gateway with the cost-control policies in front of the mock providers. Routes (each its own
 * path prefix, all serving {@code /v1/...}): {@code /tpm} (total tokens per hour, per consumer),
 * {@code /tpm-stream} (a small limit for the slow stream), {@code /budget} (a per-consumer daily
 * budget), {@code /team-budget} (per team label), {@code /cache} (response cache per consumer),
 * {@code /cache-global} (shared cache). Aliases: {@code gpt} (OpenAI mock), {@code claude}
 * (Anthropic mock), {@code slow} (a long, slow OpenAI stream).
 */
final class CostFixture implements AutoCloseable {

    static final long TPM_LIMIT = 500;
    static final long STREAM_LIMIT = 90;

    final MockProviders mocks = new MockProviders();
    final TestGateway gateway;

    CostFixture() {
        String m = mocks.url();
        String backend = """
                    backend:
                      type: llm
                      retry: { backoff: 10ms }
                      timeout: 5s
                      providers:
                        - { name: openai, type: openai, baseUrl: "%s/openai/ok/v1", apiKey: "k", models: { gpt: gpt-4o-mini } }
                        - { name: claude, type: anthropic, baseUrl: "%s/anthropic/ok", apiKey: "k", models: { claude: claude-haiku-4-5 } }
                        - { name: slow, type: openai, baseUrl: "%s/openai/slow/v1", apiKey: "k", models: { slow: gpt-4o-mini } }
                """.formatted(m, m, m);
        String yaml = """
                server: { accessLog: { enabled: false } }
                routes:
                  - name: tpm
                    match: { pathPrefix: /tpm/v1 }
                    policies: [ { type: llm-test-identity }, { type: token-rate-limit, key: consumer, tokensPerHour: %d } ]
                %s
                  - name: tpm-stream
                    match: { pathPrefix: /tpm-stream/v1 }
                    policies: [ { type: llm-test-identity }, { type: token-rate-limit, key: [consumer, model], tokensPerHour: %d, on: output } ]
                %s
                  - name: budget
                    match: { pathPrefix: /budget/v1 }
                    policies:
                      - { type: llm-test-identity }
                      - type: budget
                        name: daily
                        key: consumer
                        period: day
                        amount: 0.001
                        prices: { gpt: { input: 10.0, output: 30.0, cachedInput: 5.0 } }
                %s
                  - name: team-budget
                    match: { pathPrefix: /team-budget/v1 }
                    policies: [ { type: llm-test-identity }, { type: budget, key: "label:team", period: month, amount: 1.00, prices: { claude: { input: 1.0, output: 5.0 } } } ]
                %s
                  - name: cache
                    match: { pathPrefix: /cache/v1 }
                    policies: [ { type: llm-test-identity }, { type: llm-cache, ttl: 1m } ]
                %s
                  - name: cache-global
                    match: { pathPrefix: /cache-global/v1 }
                    policies: [ { type: llm-test-identity }, { type: llm-cache, scope: global } ]
                %s
                """.formatted(TPM_LIMIT, backend, STREAM_LIMIT, backend, backend, backend, backend, backend);
        gateway = TestGateway.start(yaml, Map.of());
    }

    @Override
    public void close() {
        gateway.close();
        mocks.close();
    }
}
