package dev.portcullis.plugins.auth;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Config of the {@code basic} policy (HTTP Basic with bcrypt-hashed passwords).
 *
 * @param realm     the realm named in the {@code WWW-Authenticate} challenge
 * @param users     user name → bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$})
 * @param consumers user name → consumer name, for users that act as a configured consumer
 * @param cacheTtl  how long a successful verification is remembered (bcrypt is slow by design)
 */
public record BasicAuthConfig(
        @JsonPropertyDescription("Realm of the WWW-Authenticate challenge (default portcullis)")
        String realm,
        @JsonPropertyDescription("User name to bcrypt hash")
        Map<String, String> users,
        @JsonPropertyDescription("User name to consumer name")
        Map<String, String> consumers,
        @JsonPropertyDescription("How long a successful verification is cached (default 60s, 0 to disable)")
        Duration cacheTtl) implements Validatable {

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    /** Defaults: realm {@code portcullis}, cache 60 s. */
    public BasicAuthConfig {
        realm = realm == null ? "portcullis" : realm;
        users = users == null ? Map.of() : Map.copyOf(users);
        consumers = consumers == null ? Map.of() : Map.copyOf(consumers);
        cacheTtl = cacheTtl == null ? Duration.ofSeconds(60) : cacheTtl;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (users.isEmpty()) {
            errors.add("users", "at least one user is needed");
        }
        users.forEach((name, hash) -> {
            if (name.isEmpty() || name.indexOf(':') >= 0) {
                errors.add("users." + name, "a user name must be non-empty and contain no ':'");
            }
            if (hash == null || !BCRYPT.matcher(hash).matches()) {
                errors.add("users." + name, "not a bcrypt hash ($2b$<cost>$<53 chars>)");
            }
        });
        consumers.keySet().stream().filter(u -> !users.containsKey(u)).sorted()
                .forEach(u -> errors.add("consumers." + u, "no such user in users"));
        if (cacheTtl.isNegative()) {
            errors.add("cacheTtl", "must not be negative");
        }
    }
}
