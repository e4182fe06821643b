package dev.portcullis.testkit;

import dev.portcullis.spi.Failure;
import dev.portcullis.spi.Response;
import dev.portcullis.spi.Verdict;

/** Unwraps verdicts in tests, failing with the verdict that came instead. */
public final class Verdicts {

    private Verdicts() {}

    /**
     * The failure of a {@link Verdict.Reject}.
     *
     * @throws AssertionError for any other verdict
     */
    public static Failure failureOf(Verdict verdict) {
        if (verdict instanceof Verdict.Reject reject) {
            return reject.failure();
        }
        throw new AssertionError("expected a rejection, got " + verdict);
    }

    /**
     * The response of a {@link Verdict.Respond}.
     *
     * @throws AssertionError for any other verdict
     */
    public static Response responseOf(Verdict verdict) {
        if (verdict instanceof Verdict.Respond respond) {
            return respond.response();
        }
        throw new AssertionError("expected a response, got " + verdict);
    }
}
