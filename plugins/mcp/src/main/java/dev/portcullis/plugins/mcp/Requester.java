package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import java.util.Set;

/**
 * On whose behalf the gateway calls an upstream: the exchange's correlation id (sent upstream as
 * {@code X-Correlation-Id}) and, for RFC 8693 token exchange only, the client's token that an
 * authentication policy validated. That token is never sent upstream itself.
 *
 * @param correlationId the exchange's correlation id, or null outside a request
 * @param subject       the identity's subject, or null when anonymous
 * @param subjectToken  the client's validated bearer token, or null when there is none
 */
record Requester(String correlationId, String subject, String subjectToken) {

    /** Identities whose bearer token a policy validated (and so may be exchanged). */
    private static final Set<String> TOKEN_METHODS = Set.of("jwt", "oauth2-introspection");

    /** Nobody in particular: the gateway's own requests outside an exchange. */
    static final Requester GATEWAY = new Requester(null, null, null);

    static Requester of(Exchange ex) {
        Identity id = ex.identity().orElse(null);
        String token = null;
        if (id != null && TOKEN_METHODS.contains(id.method())) {
            String auth = ex.request().headers().get("Authorization");
            if (auth != null && auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = auth.substring(7).strip();
            }
        }
        return new Requester(ex.correlationId(), id == null ? null : id.subject(), token);
    }

    @Override
    public String toString() {
        // never print the token
        return "Requester[correlationId=" + correlationId + ", subject=" + subject + ", token="
                + (subjectToken == null ? "none" : "<redacted>") + "]";
    }
}
