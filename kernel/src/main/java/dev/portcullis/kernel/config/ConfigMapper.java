package dev.portcullis.kernel.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.portcullis.spi.DataSize;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * The gateway's one Jackson configuration for config: unknown keys refused, no silent
 * float-to-int or number-to-boolean coercion, {@link Duration} from {@code 2s} / {@code PT2S},
 * {@link DataSize} from {@code 10MiB} / {@code 1024}, records through their canonical constructors.
 *
 * <p>Strings are still accepted for numbers and booleans ({@code "8080"}, {@code "true"}):
 * values substituted from {@code ${ENV}} are always strings.
 */
public final class ConfigMapper {

    private static final ObjectMapper JSON = buildJson();
    private static final ObjectMapper YAML = buildYaml();

    /** Types with a deserializer of ours: the binder treats them as scalars. */
    static final Set<Class<?>> SCALAR_TYPES = Set.of(Duration.class, DataSize.class);

    private ConfigMapper() {}

    /** The shared mapper for binding config trees; never reconfigure it. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** The shared mapper for reading YAML into trees (duplicate keys refused). */
    public static ObjectMapper yaml() {
        return YAML;
    }

    private static ObjectMapper buildJson() {
        SimpleModule module = new SimpleModule("portcullis-config");
        module.addDeserializer(Duration.class, new DurationDeserializer());
        module.addSerializer(Duration.class, new DurationSerializer());
        module.addDeserializer(DataSize.class, new DataSizeDeserializer());
        JsonMapper mapper = JsonMapper.builder()
                .addModule(module)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // an absent primitive in a plugin record takes its Java default (false, 0), as authors expect
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .build();
        // 1 is not "true", and "" is not an empty list, object or number.
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return mapper;
    }

    private static ObjectMapper buildYaml() {
        // SnakeYAML refuses documents over 3 MiB by default; a config with 10,000 routes is ~5 MB
        org.yaml.snakeyaml.LoaderOptions loader = new org.yaml.snakeyaml.LoaderOptions();
        loader.setCodePointLimit(64 * 1024 * 1024);
        YAMLFactory factory = YAMLFactory.builder()
                .loaderOptions(loader)
                // "country: NO" stays a string (YAML 1.1's yes/no/on/off booleans are a trap)
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return YAMLMapper.builder(factory).build();
    }

    /** Marks a value error whose message is already written for a human. */
    static final class ValueException extends JsonMappingException {
        ValueException(JsonParser parser, String message) {
            super(parser, message);
        }
    }

    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                throw new ValueException(p, DurationFormat.invalid(p.getText()) + "; add a unit");
            }
            if (t != JsonToken.VALUE_STRING) {
                throw new ValueException(p, "expected a duration (" + DurationFormat.EXAMPLES + "), got " + shown(p));
            }
            try {
                return DurationFormat.parse(p.getText());
            } catch (IllegalArgumentException e) {
                throw new ValueException(p, e.getMessage());
            }
        }
    }

    private static final class DurationSerializer extends StdScalarSerializer<Duration> {
        DurationSerializer() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(DurationFormat.format(value));
        }
    }

    private static final class DataSizeDeserializer extends StdScalarDeserializer<DataSize> {
        DataSizeDeserializer() {
            super(DataSize.class);
        }

        @Override
        public DataSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                    throw new ValueException(p, "not a size: " + p.getText() + " (must be 0 or more bytes)");
                }
                return DataSize.ofBytes(p.getLongValue());
            }
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                throw new ValueException(p, "not a size: " + p.getText() + " (whole bytes, or e.g. 16KiB, 10MB)");
            }
            if (t != JsonToken.VALUE_STRING) {
                throw new ValueException(p, "expected a size (e.g. 512, 16KiB, 10MB), got " + shown(p));
            }
            String text = p.getText();
            try {
                return DataSize.parse(text);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ValueException(p, "size too large: '" + text + "'");
            } catch (IllegalArgumentException e) {
                throw new ValueException(p, e.getMessage());
            }
        }
    }

    /** The current value for a message: a scalar as written, else its shape. */
    private static String shown(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            return "a list";
        }
        if (t == JsonToken.START_OBJECT) {
            return "a map";
        }
        return t == JsonToken.VALUE_NULL ? "nothing (null)" : p.getText();
    }
}
