package dev.portcullis.spi.mcp;

import java.util.Map;

/**
 * One entry of an upstream listing, as the upstream server described it, before the gateway
 * prefixes its name.
 *
 * @param kind       tool, resource (or resource template) or prompt
 * @param server     the configured name of the upstream server that offers it
 * @param name       the upstream's own name for it (a resource's or template's URI for resources)
 * @param definition the upstream's definition (name, description, input schema, annotations) as
 *                   plain Java values (maps, lists, strings, numbers, booleans, nulls); unmodifiable
 */
public record McpItem(McpKind kind, String server, String name, Map<String, Object> definition) {

    /** Null definitions become empty. */
    public McpItem {
        definition = definition == null ? Map.of() : definition;
    }
}
