package dev.portcullis.kernel.observe;

import dev.portcullis.kernel.config.ServerConfig.TracingConfig;
import dev.portcullis.spi.TraceSpan;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * OpenTelemetry tracing of the gateway: one server span per request (continuing the client's
 * {@code traceparent}), child spans that plugins start for upstream calls, exported in batches
 * over OTLP/HTTP. Off unless {@code server.tracing.otlpEndpoint} is set; then every span carries
 * {@code portcullis.correlation_id}. Spans are handed around explicitly, never through thread
 * locals, so virtual threads and streaming need nothing special.
 */
public final class Tracing implements AutoCloseable {

    /** The attribute that threads one agent's work across layers. */
    public static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("portcullis.correlation_id");

    private static final Tracing OFF = new Tracing(null, null);
    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SdkTracerProvider provider, Tracer tracer) {
        this.provider = provider;
        this.tracer = tracer;
    }

    /** Tracing as configured: off when no endpoint is set. */
    public static Tracing create(TracingConfig config) {
        if (config == null || config.otlpEndpoint() == null) {
            return OFF;
        }
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(config.otlpEndpoint())
                .setTimeout(Duration.ofSeconds(5))
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), config.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(Duration.ofMillis(config.exportDelay().toMillis()))
                        .build())
                .build();
        return new Tracing(provider, provider.get("dev.portcullis"));
    }

    /** Whether spans are recorded at all. */
    public boolean enabled() {
        return tracer != null;
    }

    /**
     * Starts the server span of one request, continuing the trace named by the request's
     * {@code traceparent} header if any.
     *
     * @param headers the request's headers by name (case-insensitive lookup)
     */
    public RequestSpan startRequest(String name, Function<String, String> headers, String correlationId) {
        if (tracer == null) {
            return null;
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        Span span = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(CORRELATION_ID, correlationId).startSpan();
        return new RequestSpan(span, tracer, correlationId);
    }

    /** Flushes what is buffered and stops exporting. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    /** A span as the SPI sees it. */
    static class OtelSpan implements TraceSpan {
        final Span span;

        OtelSpan(Span span) {
            this.span = span;
        }

        @Override
        public TraceSpan attribute(String key, String value) {
            if (value != null) {
                span.setAttribute(key, value);
            }
            return this;
        }

        @Override
        public TraceSpan attribute(String key, long value) {
            span.setAttribute(key, value);
            return this;
        }

        @Override
        public void error(String type, String message) {
            span.setAttribute("error.type", type);
            span.setStatus(StatusCode.ERROR, message == null ? "" : message);
        }

        @Override
        public String traceparent() {
            var c = span.getSpanContext();
            if (!c.isValid()) {
                return null;
            }
            return "00-" + c.getTraceId() + '-' + c.getSpanId() + '-' + c.getTraceFlags().asHex();
        }

        @Override
        public void close() {
            span.end();
        }
    }

    /** The server span of one request, which starts the children plugins ask for. */
    public static final class RequestSpan extends OtelSpan {
        private final Tracer tracer;
        private final String correlationId;

        RequestSpan(Span span, Tracer tracer, String correlationId) {
            super(span);
            this.tracer = tracer;
            this.correlationId = correlationId;
        }

        /** A client span under this one, carrying the correlation id. */
        public TraceSpan child(String name) {
            Span child = span.isRecording()
                    ? tracer.spanBuilder(name).setParent(Context.root().with(span)).setSpanKind(SpanKind.CLIENT)
                            .setAttribute(CORRELATION_ID, correlationId).startSpan()
                    : Span.getInvalid();
            return child.isRecording() ? new OtelSpan(child) : TraceSpan.NOOP;
        }

        /** Ends the span with the response status (5xx marks it failed). */
        public void end(int status) {
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }
}
