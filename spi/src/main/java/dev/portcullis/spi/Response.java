package dev.portcullis.spi;

/**
 * A response on its way to the client: made by a backend, or by a policy that answers early.
 * Mutable in the response phase: policies may change status, headers and body.
 */
public final class Response {

    private int status;
    private final Headers headers;
    private Body body;

    /** A response with the given parts. */
    public Response(int status, Headers headers, Body body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** A response with a body and its content type. */
    public static Response of(int status, String contentType, Body body) {
        return new Response(status, Headers.of("Content-Type", contentType), body);
    }

    /** A JSON response. */
    public static Response json(int status, String json) {
        return of(status, "application/json", Body.of(json));
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** Changes the status code. */
    public void status(int status) {
        this.status = status;
    }

    /** Mutable response headers. */
    public Headers headers() {
        return headers;
    }

    /** The body. */
    public Body body() {
        return body;
    }

    /** Replaces the body (the kernel fixes Content-Length). */
    public void body(Body body) {
        this.body = body;
    }

    /** Whether the content type is {@code text/event-stream}. */
    public boolean isEventStream() {
        String ct = headers.get("Content-Type");
        return ct != null && ct.regionMatches(true, 0, "text/event-stream", 0, 17);
    }
}
