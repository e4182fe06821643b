package dev.portcullis.plugins.auth;

import dev.portcullis.spi.Exchange;
import dev.portcullis.spi.Identity;
import dev.portcullis.spi.Policy;
import dev.portcullis.spi.Verdict;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the established identity against rules; a refusal (403) names the first rule not met. A
 * missing scope on a bearer-token identity also gets RFC 6750's {@code insufficient_scope} challenge.
 */
final class AuthorizePolicy implements Policy {

    private final Set<String> consumers;
    private final Map<String, String> labels;
    private final List<String> scopes;
    private final Set<String> anyScopes;
    private final String anyScopesText;
    private final Map<String, Set<String>> claims;

    AuthorizePolicy(AuthorizeConfig config) {
        this.consumers = Set.copyOf(config.consumers());
        this.labels = config.labels();
        this.scopes = config.scopes();
        this.anyScopes = Set.copyOf(config.anyScopes());
        this.anyScopesText = String.join(" ", config.anyScopes());
        Map<String, Set<String>> accepted = new LinkedHashMap<>();
        config.claims().forEach((claim, value) -> accepted.put(claim, value instanceof Collection<?> list
                ? Set.copyOf(list.stream().map(String::valueOf).toList()) : Set.of(String.valueOf(value))));
        this.claims = accepted;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
        Identity identity = exchange.identity().orElse(null);
        if (identity == null) {
            return Verdict.reject(AuthFailures.missing("this route needs an authenticated caller", null));
        }
        if (!consumers.isEmpty() && (identity.consumer() == null || !consumers.contains(identity.consumer()))) {
            return forbidden(identity.consumer() == null ? "the caller is not a known consumer"
                    : "consumer " + identity.consumer() + " is not allowed");
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getValue().equals(identity.labels().get(label.getKey()))) {
                return forbidden("label " + label.getKey() + " must be " + label.getValue());
            }
        }
        for (String scope : scopes) {
            if (!identity.scopes().contains(scope)) {
                return insufficientScope(identity, "missing scope " + scope, scope);
            }
        }
        if (!anyScopes.isEmpty() && identity.scopes().stream().noneMatch(anyScopes::contains)) {
            return insufficientScope(identity, "needs one of the scopes " + anyScopesText, anyScopesText);
        }
        for (Map.Entry<String, Set<String>> claim : claims.entrySet()) {
            if (!matches(identity.claim(claim.getKey()), claim.getValue())) {
                return forbidden("claim " + claim.getKey() + " must be one of " + claim.getValue());
            }
        }
        return Verdict.proceed();
    }

    /** A claim matches when it, or for a list claim any element, is one of the accepted values. */
    private static boolean matches(Object value, Set<String> accepted) {
        if (value instanceof Collection<?> list) {
            for (Object v : list) {
                if (v != null && accepted.contains(v.toString())) {
                    return true;
                }
            }
            return false;
        }
        return value != null && accepted.contains(value.toString());
    }

    private static Verdict forbidden(String detail) {
        return Verdict.reject(AuthFailures.forbidden(detail));
    }

    private static Verdict insufficientScope(Identity identity, String detail, String scope) {
        var failure = AuthFailures.forbidden(detail);
        if (JwtVerifier.METHOD.equals(identity.method()) || IntrospectionPolicy.METHOD.equals(identity.method())) {
            failure.withHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", error_description="
                    + AuthFailures.quote(detail) + ", scope=" + AuthFailures.quote(scope));
        }
        return Verdict.reject(failure);
    }
}
