package dev.portcullis.spi;

/**
 * A traced unit of work: the request's span ({@link Exchange#span()}) or a child a plugin starts
 * for an upstream call ({@link Exchange#startSpan(String)}), exported as OpenTelemetry spans when
 * the operator configures tracing, and free when not. Attribute names follow the OpenTelemetry
 * semantic conventions where one exists (e.g. {@code gen_ai.request.model}, {@code mcp.method.name}).
 * Never put prompt text, argument values or secrets in attributes.
 */
public interface TraceSpan extends AutoCloseable {

    /** A span that records nothing (tracing off). */
    TraceSpan NOOP = new TraceSpan() {
        @Override
        public TraceSpan attribute(String key, String value) {
            return this;
        }

        @Override
        public TraceSpan attribute(String key, long value) {
            return this;
        }

        @Override
        public void error(String type, String message) {}

        @Override
        public String traceparent() {
            return null;
        }

        @Override
        public void close() {}
    };

    /** Sets a string attribute (null values are ignored). */
    TraceSpan attribute(String key, String value);

    /** Sets a numeric attribute. */
    TraceSpan attribute(String key, long value);

    /** Marks the span failed, with {@code error.type} and a short message (no secrets). */
    void error(String type, String message);

    /**
     * The W3C {@code traceparent} header value naming this span, to send upstream so the next hop
     * continues the trace; null when not traced.
     */
    String traceparent();

    /** Ends the span. */
    @Override
    void close();
}
