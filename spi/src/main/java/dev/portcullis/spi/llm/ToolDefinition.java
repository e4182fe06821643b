package dev.portcullis.spi.llm;

/**
 * A tool the model may call.
 *
 * @param name        the tool's name
 * @param description what it does, for the model; may be null
 * @param parameters  the JSON Schema of its arguments, as JSON text
 */
public record ToolDefinition(String name, String description, String parameters) {

    /** An absent schema becomes an empty object schema. */
    public ToolDefinition {
        if (parameters == null || parameters.isBlank()) {
            parameters = "{\"type\":\"object\",\"properties\":{}}";
        }
    }
}
