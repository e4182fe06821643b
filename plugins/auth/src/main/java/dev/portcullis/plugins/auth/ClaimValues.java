package dev.portcullis.plugins.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Reading scopes and names out of JSON claim values (strings, numbers or lists of them). */
final class ClaimValues {

    private ClaimValues() {}

    /**
     * Scopes from {@code claim}: a space-separated string or a list. With the default claim
     * {@code scope}, {@code scp} (Azure AD, Okta) is read when {@code scope} is absent.
     */
    static Set<String> scopes(Map<String, Object> claims, String claim) {
        Object value = claims.get(claim);
        if (value == null && JwtConfig.DEFAULT_SCOPES_CLAIM.equals(claim)) {
            value = claims.get("scp");
        }
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String s) {
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        } else if (value instanceof Collection<?> list) {
            for (Object o : list) {
                if (o != null) {
                    out.add(o.toString());
                }
            }
        }
        return out;
    }

    /** A claim as text when it is a string or a number, else null. */
    static String text(Map<String, Object> claims, String claim) {
        Object value = claims.get(claim);
        return value instanceof String || value instanceof Number ? value.toString() : null;
    }

    /** A copy without null values ({@link dev.portcullis.spi.Identity} holds no nulls). */
    static Map<String, Object> withoutNulls(Map<String, Object> claims) {
        Map<String, Object> out = new HashMap<>(claims.size() * 2);
        claims.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
