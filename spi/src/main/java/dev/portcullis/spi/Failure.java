package dev.portcullis.spi;

/**
 * A refusal or error to send to the client. The kernel renders it in the route's protocol:
 * {@code application/problem+json} for HTTP routes, OpenAI or Anthropic error JSON on LLM routes,
 * a JSON-RPC error on MCP routes (see {@link Backend#renderFailure}).
 *
 * @param status  HTTP status
 * @param code    a stable machine-readable code, e.g. {@code rate-limited}; becomes the problem
 *                {@code type} {@code urn:portcullis:problem:<code>}
 * @param title   a short human summary that does not change between occurrences
 * @param detail  what happened this time; never secrets, never stack traces
 * @param headers extra response headers ({@code Retry-After}, {@code WWW-Authenticate}); may be empty
 */
public record Failure(int status, String code, String title, String detail, Headers headers) {

    /** Null headers become empty. */
    public Failure {
        headers = headers == null ? new Headers(2) : headers;
    }

    /** A failure without extra headers. */
    public static Failure of(int status, String code, String title, String detail) {
        return new Failure(status, code, title, detail, null);
    }

    /** The same failure with one more header. */
    public Failure withHeader(String name, String value) {
        headers.add(name, value);
        return this;
    }
}
