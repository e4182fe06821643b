package dev.portcullis.plugins.traffic;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config of {@code request-headers} and {@code response-headers}. Applied in this order:
 * {@code remove}, then {@code set}, then {@code add}.
 *
 * @param add    headers to append, keeping values already present
 * @param set    headers to replace (all existing values of the name are dropped first)
 * @param remove header names to drop
 */
public record HeadersConfig(
        @JsonPropertyDescription("Headers to append; values may use %{requestId}, %{clientIp}, %{consumer}, %{route}")
        Map<String, String> add,
        @JsonPropertyDescription("Headers to replace; values may use %{requestId}, %{clientIp}, %{consumer}, %{route}")
        Map<String, String> set,
        @JsonPropertyDescription("Header names to remove")
        List<String> remove) implements Validatable {

    /** Null becomes empty; map order (the YAML order) is kept. */
    public HeadersConfig {
        add = add == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(add));
        set = set == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(set));
        remove = remove == null ? List.of() : List.copyOf(remove);
    }

    @Override
    public void validate(ConfigErrors errors) {
        validateValues(add, "add", errors);
        validateValues(set, "set", errors);
        for (int i = 0; i < remove.size(); i++) {
            String problem = HttpSyntax.headerNameProblem(remove.get(i));
            if (problem != null) {
                errors.add("remove[" + i + "]", problem);
            }
        }
        if (add.isEmpty() && set.isEmpty() && remove.isEmpty()) {
            errors.add("", "nothing to do: give at least one of add, set, remove");
        }
    }

    private static void validateValues(Map<String, String> headers, String field, ConfigErrors errors) {
        headers.forEach((name, value) -> {
            String path = field + "." + name;
            String problem = HttpSyntax.headerNameProblem(name);
            if (problem != null) {
                errors.add(path, problem);
            }
            if (value == null) {
                errors.add(path, "a value is required (use remove to drop a header)");
                return;
            }
            try {
                HeaderTemplate.parse(value);
            } catch (IllegalArgumentException e) {
                errors.add(path, e.getMessage());
            }
        });
    }
}
