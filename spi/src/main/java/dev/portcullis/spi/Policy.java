package dev.portcullis.spi;

/**
 * One step of a route's policy chain. Request phases run in chain order before the backend;
 * response phases and stream hooks run in reverse order after it. A policy instance serves all
 * requests of its route concurrently: keep per-request state in the {@link Exchange}.
 */
public interface Policy extends AutoCloseable {

    /** Request phase: inspect or change the request, or answer early. */
    default Verdict onRequest(Exchange exchange) {
        return Verdict.proceed();
    }

    /**
     * Response phase: {@code exchange.response()} is set; change it in place, or replace it by
     * returning {@link Verdict.Reject} / {@link Verdict.Respond}. Skipped for policies whose
     * request phase did not run (an earlier policy answered).
     */
    default Verdict onResponse(Exchange exchange) {
        return Verdict.proceed();
    }

    /**
     * For event-stream responses: a hook to see each event, or {@code null} (the default) for no
     * hook, in which case the stream is relayed byte for byte.
     */
    default StreamHook onStream(Exchange exchange) {
        return null;
    }

    /** Releases resources when the config that created this policy is retired. */
    @Override
    default void close() {}
}
