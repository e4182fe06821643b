package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry GenAI client metrics: {@code gen_ai.client.token.usage} (by
 * {@code gen_ai.token.type}) and {@code gen_ai.client.operation.duration}, with
 * {@code gen_ai.provider.name} (the provider type), {@code gen_ai.request.model} (the public
 * alias), {@code gen_ai.response.model} and {@code portcullis.llm.provider} (the configured name);
 * {@code gen_ai.client.operation.time_to_first_chunk} for streams; and the gateway's own
 * {@code portcullis.llm.provider.errors} (by provider and kind) and {@code portcullis.llm.failovers}.
 */
final class GenAiMetrics {

    private final MeterRegistry registry;

    GenAiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Provider provider, String requestModel, String responseModel, Usage usage, long nanos, String errorType) {
        if (registry == null) {
            return;
        }
        Tags tags = Tags.of("gen_ai.operation.name", "chat",
                "gen_ai.provider.name", provider == null ? "none" : provider.adapter.type(),
                "portcullis.llm.provider", provider == null ? "none" : provider.name,
                "gen_ai.request.model", requestModel,
                "gen_ai.response.model", responseModel == null ? "unknown" : responseModel);
        Timer.builder("gen_ai.client.operation.duration")
                .description("Duration of GenAI client operations")
                // Prometheus wants one tag key set per name: success is error.type "none"
                .tags(tags.and("error.type", errorType == null ? "none" : errorType))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        if (usage != null && errorType == null) {
            tokens(tags, "input").record(usage.inputTokens());
            tokens(tags, "output").record(usage.outputTokens());
        }
    }

    /** Time from the request to the first streamed content, failovers included. */
    void firstChunk(Provider provider, String requestModel, long nanos) {
        if (registry != null) {
            Timer.builder("gen_ai.client.operation.time_to_first_chunk")
                    .description("Time to the first chunk of a streamed answer")
                    .tags("gen_ai.provider.name", provider.adapter.type(), "portcullis.llm.provider", provider.name,
                            "gen_ai.request.model", requestModel)
                    .register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A provider attempt failed ({@code kind}: timeout, unreachable, unusable-answer or the status). */
    void providerError(Provider provider, String kind) {
        if (registry != null) {
            Counter.builder("portcullis.llm.provider.errors")
                    .description("Failed provider attempts")
                    .tags("portcullis.llm.provider", provider.name, "kind", kind)
                    .register(registry)
                    .increment();
        }
    }

    /** A request was served by a provider other than its first choice. */
    void failover(Provider servedBy, String requestModel) {
        if (registry != null) {
            Counter.builder("portcullis.llm.failovers")
                    .description("Requests served after failing over")
                    .tags("portcullis.llm.provider", servedBy.name, "gen_ai.request.model", requestModel)
                    .register(registry)
                    .increment();
        }
    }

    private DistributionSummary tokens(Tags tags, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Number of input and output tokens used")
                .tags(tags.and("gen_ai.token.type", type))
                .register(registry);
    }
}
