package dev.portcullis.spi;

/** What a policy decides about an exchange: go on, or answer the client now. */
public sealed interface Verdict {

    /** Continue with the next policy (or the backend). */
    record Proceed() implements Verdict {}

    /** Stop and send a failure, rendered in the route's protocol. */
    record Reject(Failure failure) implements Verdict {}

    /** Stop and send this exact response. */
    record Respond(Response response) implements Verdict {}

    /** The shared "continue" verdict. */
    Verdict PROCEED = new Proceed();

    /** Continue. */
    static Verdict proceed() {
        return PROCEED;
    }

    /** Refuse with a failure. */
    static Verdict reject(Failure failure) {
        return new Reject(failure);
    }

    /** Refuse with status, code, title and detail. */
    static Verdict reject(int status, String code, String title, String detail) {
        return new Reject(Failure.of(status, code, title, detail));
    }

    /** Answer with a response of the policy's own making. */
    static Verdict respond(Response response) {
        return new Respond(response);
    }
}
