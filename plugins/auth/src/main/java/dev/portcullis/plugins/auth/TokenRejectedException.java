package dev.portcullis.plugins.auth;

/**
 * A token that is not accepted, with a reason fit for the client (RFC 6750
 * {@code error_description}). Stackless: rejections are routine, not bugs.
 */
final class TokenRejectedException extends Exception {

    /** {@code reason} is shown to the client: it must not contain keys or secrets. */
    TokenRejectedException(String reason) {
        super(reason, null, false, false);
    }
}
