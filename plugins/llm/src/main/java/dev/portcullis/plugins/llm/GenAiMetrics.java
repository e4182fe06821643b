package dev.portcullis.plugins.llm;

import dev.portcullis.spi.llm.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
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

    /**
     * Tag sets remembered with their meters, at most this many: beyond it (a provider naming a new
     * model in every answer) meters are looked up per call, as the registry holds them anyway.
     */
    private static final int MAX_REMEMBERED = 1024;

    private final MeterRegistry registry;
    /** Building the tags and finding the meters in the registry cost about a µs per call. */
    private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

    /** {@code tokens}: the call records its token usage (an answer with usage, no error). */
    private record Key(Provider provider, String requestModel, String responseModel, String errorType, boolean tokens) {}

    /** A call's meters; the token summaries only when it records tokens. */
    private record Meters(Timer duration, DistributionSummary input, DistributionSummary output) {}

    GenAiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Provider provider, String requestModel, String responseModel, Usage usage, long nanos, String errorType) {
        if (registry == null) {
            return;
        }
        Key key = new Key(provider, requestModel, responseModel, errorType, usage != null && errorType == null);
        Meters m = meters.get(key);
        if (m == null) {
            m = register(key);
            if (meters.size() < MAX_REMEMBERED) {
                meters.putIfAbsent(key, m);
            }
        }
        m.duration().record(nanos, TimeUnit.NANOSECONDS);
        if (key.tokens()) {
            m.input().record(usage.inputTokens());
            m.output().record(usage.outputTokens());
        }
    }

    private Meters register(Key key) {
        Provider provider = key.provider();
        Tags tags = Tags.of("gen_ai.operation.name", "chat",
                "gen_ai.provider.name", provider == null ? "none" : provider.adapter.type(),
                "portcullis.llm.provider", provider == null ? "none" : provider.name,
                "gen_ai.request.model", key.requestModel(),
                "gen_ai.response.model", key.responseModel() == null ? "unknown" : key.responseModel());
        Timer duration = Timer.builder("gen_ai.client.operation.duration")
                .description("Duration of GenAI client operations")
                // Prometheus wants one tag key set per name: success is error.type "none"
                .tags(tags.and("error.type", key.errorType() == null ? "none" : key.errorType()))
                .register(registry);
        return key.tokens()
                ? new Meters(duration, tokens(tags, "input"), tokens(tags, "output"))
                : new Meters(duration, null, null);
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
