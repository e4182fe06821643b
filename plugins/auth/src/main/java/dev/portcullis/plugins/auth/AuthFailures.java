package dev.portcullis.plugins.auth;

import dev.portcullis.spi.Failure;

/**
 * The refusals every auth policy answers with: stable codes, a human detail that never contains a
 * secret, and the {@code WWW-Authenticate} challenge a client needs to retry correctly.
 */
final class AuthFailures {

    static final String MISSING = "credentials-missing";
    static final String INVALID = "credentials-invalid";
    static final String TOKEN_INVALID = "token-invalid";
    static final String FORBIDDEN = "forbidden";
    static final String UNAVAILABLE = "auth-unavailable";

    private AuthFailures() {}

    /** 401: the request carries no credentials the policy understands. */
    static Failure missing(String detail, String challenge) {
        return challenged(Failure.of(401, MISSING, "Credentials missing", detail), challenge);
    }

    /** 401: credentials were presented but are not valid. */
    static Failure invalid(String detail, String challenge) {
        return challenged(Failure.of(401, INVALID, "Credentials invalid", detail), challenge);
    }

    /** 401 for a bearer token that failed verification (RFC 6750 {@code invalid_token}). */
    static Failure tokenInvalid(String realm, String detail) {
        String challenge = "Bearer " + (realm == null ? "" : "realm=" + quote(realm) + ", ")
                + "error=\"invalid_token\", error_description=" + quote(detail);
        return challenged(Failure.of(401, TOKEN_INVALID, "Token invalid", detail), challenge);
    }

    /** 403 naming the rule that was not met. */
    static Failure forbidden(String detail) {
        return Failure.of(403, FORBIDDEN, "Forbidden", detail);
    }

    /** 503: the identity provider (JWKS, introspection endpoint) could not be asked. */
    static Failure unavailable(String detail) {
        return Failure.of(503, UNAVAILABLE, "Authentication unavailable", detail);
    }

    private static Failure challenged(Failure failure, String challenge) {
        return challenge == null ? failure : failure.withHeader("WWW-Authenticate", challenge);
    }

    /**
     * A quoted-string for an auth-param. RFC 6750 allows only printable ASCII without {@code "}
     * and {@code \} in error descriptions, so anything else becomes {@code '} or {@code ?}.
     */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                sb.append('\'');
            } else if (c < 0x20 || c > 0x7e || c == '\\') {
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
