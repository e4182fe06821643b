package dev.portcullis.plugins.traffic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.util.List;

/**
 * Config of {@code ip-filter}. A client in any {@code deny} network is refused; when
 * {@code allow} is not empty, only clients in one of its networks pass.
 *
 * @param allow IPv4/IPv6 networks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single addresses
 * @param deny  networks or addresses that are always refused
 */
public record IpFilterConfig(
        @JsonPropertyDescription("Networks (CIDR) or addresses allowed; empty allows everyone not denied")
        List<String> allow,
        @JsonPropertyDescription("Networks (CIDR) or addresses refused; deny wins over allow")
        List<String> deny) implements Validatable {

    /** Null lists become empty. */
    public IpFilterConfig {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
    }

    @Override
    public void validate(ConfigErrors errors) {
        check(allow, "allow", errors);
        check(deny, "deny", errors);
        if (allow.isEmpty() && deny.isEmpty()) {
            errors.add("", "give allow, deny or both");
        }
    }

    private static void check(List<String> cidrs, String field, ConfigErrors errors) {
        for (int i = 0; i < cidrs.size(); i++) {
            try {
                Cidr.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                errors.add(field + "[" + i + "]", e.getMessage());
            }
        }
    }
}
