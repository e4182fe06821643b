package dev.portcullis.kernel.config;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import dev.portcullis.spi.DataSize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON Schemas (draft 2020-12) for config records, for editors and CI linting of YAML config:
 * unknown keys forbidden ({@code additionalProperties: false}), {@code required} from
 * {@code @JsonProperty(required = true)}, durations and sizes as strings with a pattern.
 * One generator may be shared; generation is not on any request path.
 */
public final class ConfigSchemaGenerator {

    /** What a plugin-typed config object is: the file name's first part. */
    public enum Kind {
        /** {@code policies:} entries and inline route policies. */
        POLICY,
        /** Route {@code backend:}s. */
        BACKEND,
        /** {@code stores:} entries. */
        STORE,
        /** {@code components:} entries. */
        COMPONENT;

        /** The lower-case name used in file names. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String DATA_SIZE_PATTERN = "^[0-9]+ *([KkMmGg]([Ii][Bb])?|[KkMmGg]?[Bb])?$";

    private final SchemaGenerator generator;
    private final ObjectMapper mapper = ConfigMapper.json();

    /** A generator with the gateway's conventions. */
    public ConfigSchemaGenerator() {
        SchemaGeneratorConfigBuilder builder =
                new SchemaGeneratorConfigBuilder(ConfigMapper.json(), SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED,
                                JacksonOption.RESPECT_JSONPROPERTY_ORDER,
                                JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE,
                                JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY))
                        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
                        .without(Option.NONPUBLIC_STATIC_FIELDS, Option.PUBLIC_STATIC_FIELDS);
        builder.forTypesInGeneral()
                .withCustomDefinitionProvider(this::customDefinition)
                .withPropertySorter((a, b) -> 0); // keep the record's order (the sort is stable)
        this.generator = new SchemaGenerator(builder.build());
    }

    /** The schema of one config record. */
    public ObjectNode schema(Class<?> configType) {
        return generator.generateSchema(configType);
    }

    /**
     * The schema of a plugin-typed object as written in YAML: the record's keys plus
     * {@code type} fixed to {@code type}.
     */
    public ObjectNode schema(Kind kind, String type, Class<?> configType) {
        ObjectNode schema = configType == Void.class ? emptyObjectSchema() : schema(configType);
        schema.put("title", kind.label() + " " + type);
        ObjectNode properties = schema.withObject("properties");
        ObjectNode typeSchema = mapper.createObjectNode().put("const", type);
        // put "type" first, where a reader looks
        ObjectNode ordered = mapper.createObjectNode();
        ordered.set("type", typeSchema);
        ordered.setAll(properties);
        schema.set("properties", ordered);
        List<String> required = new ArrayList<>();
        required.add("type");
        schema.path("required").forEach(n -> required.add(n.asText()));
        schema.set("required", mapper.valueToTree(required));
        return schema;
    }

    /** The schema of the whole config file. */
    public ObjectNode gatewaySchema() {
        ObjectNode schema = schema(GatewayConfig.class);
        schema.put("title", "Portcullis gateway config");
        return schema;
    }

    /**
     * Writes {@code <kind>-<type>.schema.json} into {@code directory} for each {@code type → record}.
     *
     * @return the files written
     */
    public List<Path> writeAll(Path directory, Kind kind, Map<String, Class<?>> configTypes) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            for (Map.Entry<String, Class<?>> entry : configTypes.entrySet()) {
                Path file = directory.resolve(kind.label() + "-" + entry.getKey() + ".schema.json");
                ObjectNode schema = schema(kind, entry.getKey(), entry.getValue());
                Files.writeString(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n");
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write schemas to " + directory, e);
        }
        return written;
    }

    private ObjectNode emptyObjectSchema() {
        ObjectNode schema = mapper.createObjectNode();
        schema.put("$schema", SchemaVersion.DRAFT_2020_12.getIdentifier());
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        return schema;
    }

    /** Schemas for the types the config mapper reads in its own way. */
    private CustomDefinition customDefinition(ResolvedType type, SchemaGenerationContext context) {
        Class<?> raw = type.getErasedType();
        ObjectNode node = mapper.createObjectNode();
        if (raw == Duration.class) {
            node.put("type", "string")
                    .put("pattern", DurationFormat.PATTERN)
                    .put("description", "a duration: 250ms, 2s, 1m, 1h, 1d or ISO-8601 (PT2S)");
        } else if (raw == DataSize.class) {
            node.putArray("type").add("string").add("integer");
            node.put("pattern", DATA_SIZE_PATTERN)
                    .put("minimum", 0)
                    .put("description", "a size in bytes: 512, 16KB, 16KiB, 10MB, 1GiB (KB = 1000, KiB = 1024)");
        } else if (ObjectNode.class.isAssignableFrom(raw)) {
            typedObject(node);
        } else if (JsonNode.class.isAssignableFrom(raw)) {
            // route policies: a name from policies:, or an inline {type: ...}
            node.putArray("anyOf").add(mapper.createObjectNode().put("type", "string")).add(typedObject(mapper.createObjectNode()));
        } else {
            return null;
        }
        return new CustomDefinition(node, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO);
    }

    /** A plugin-typed object: a string {@code type} and the plugin's own keys. */
    private ObjectNode typedObject(ObjectNode node) {
        node.put("type", "object");
        node.putObject("properties").putObject("type").put("type", "string").put("minLength", 1);
        node.putArray("required").add("type");
        return node;
    }
}
