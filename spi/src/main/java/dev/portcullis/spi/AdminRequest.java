package dev.portcullis.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An operator's request to an {@link AdminEndpoint}.
 *
 * @param method the HTTP method, upper case
 * @param path   what follows the endpoint's URL, {@code ""} or starting with {@code /}, decoded
 * @param query  the query parameters, decoded
 * @param body   the request body (empty if none); admin bodies are small and read whole
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query, byte[] body) {

    public AdminRequest {
        query = Map.copyOf(query);
    }

    /** The first value of query parameter {@code name}. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The path's segments after the endpoint name, e.g. {@code ["tools", "crm__read", "approve"]}. */
    public List<String> segments() {
        return path.isEmpty() ? List.of() : List.of(path.substring(1).split("/", -1));
    }
}
