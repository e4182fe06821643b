package dev.portcullis.plugins.auth;

import dev.portcullis.spi.Consumer;
import dev.portcullis.spi.Identity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The configured consumers by name, to map an authenticated subject to a consumer and its labels. */
final class Consumers {

    private final Map<String, Consumer> byName;

    Consumers(List<Consumer> consumers) {
        Map<String, Consumer> map = new HashMap<>();
        for (Consumer c : consumers) {
            map.put(c.name(), c);
        }
        this.byName = Map.copyOf(map);
    }

    /** The consumer called {@code name}, or null (also for a null name). */
    Consumer find(String name) {
        return name == null ? null : byName.get(name);
    }

    /** An identity for a subject, attached to the consumer named {@code consumerName} if one exists. */
    Identity identity(String subject, String issuer, String method, Set<String> scopes,
                      Map<String, Object> claims, String consumerName) {
        Consumer c = find(consumerName);
        return new Identity(subject, issuer, method, scopes, claims,
                c == null ? null : c.name(), c == null ? null : c.labels());
    }
}
