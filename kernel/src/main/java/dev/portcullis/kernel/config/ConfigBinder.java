package dev.portcullis.kernel.config;

import static java.util.Collections.unmodifiableList;
import static java.util.Collections.unmodifiableMap;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.kernel.config.GatewayConfig.ConsumerConfig;
import dev.portcullis.kernel.config.GatewayConfig.PluginsConfig;
import dev.portcullis.kernel.config.GatewayConfig.RouteConfig;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds config trees to records and reports every error with its full YAML path, e.g.
 * {@code routes[2].backend.targets[0].url: not an absolute URL} or
 * {@code routes[0].match.pathPrefx: unknown key (known: host, path, pathPrefix, methods, headers)}.
 *
 * <p>A valid tree is bound by Jackson in one pass. Jackson stops at the first error, so when a
 * bind fails the binder walks the tree against the record's components and binds each part on
 * its own, to find all the errors. After binding, {@link Validatable#validate} runs on every
 * record (nested records, lists and maps of records too) with paths prefixed.
 *
 * <p>Values that came from the environment or sit under secret-looking keys are never echoed in
 * error messages.
 */
public final class ConfigBinder {

    private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

    /** Record accessors, looked up once per class: validation runs on every reload. */
    private static final ClassValue<Accessor[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessor[] computeValue(Class<?> type) {
            return accessors(type);
        }
    };

    private final ObjectMapper mapper;
    private final Set<String> sensitivePaths;

    /** A binder with the gateway's shared mapper. */
    public ConfigBinder() {
        this(Set.of());
    }

    /**
     * A binder that never echoes the values at {@code substitutedPaths} in error messages
     * (see {@link LoadedConfig#substitutedPaths()}).
     */
    public ConfigBinder(Set<String> substitutedPaths) {
        this.mapper = ConfigMapper.json();
        this.sensitivePaths = Set.copyOf(substitutedPaths);
    }

    /**
     * Binds and validates the whole gateway config, section by section.
     *
     * @throws ConfigInvalidException with every error found
     */
    public GatewayConfig bindGateway(JsonNode tree) {
        ConfigErrorList errors = new ConfigErrorList();
        GatewayConfig config = bindGateway(tree, errors);
        errors.throwIfAny();
        return config;
    }

    /**
     * Binds as much of the config as possible, adding every error to {@code errors}; routes and
     * consumers that failed to bind are {@code null} so later stages can still check the rest.
     */
    public GatewayConfig bindGateway(JsonNode tree, ConfigErrorList errors) {
        ObjectNode root = EMPTY;
        if (tree instanceof ObjectNode object) {
            root = object;
        } else if (tree != null && !tree.isNull() && !tree.isMissingNode()) {
            errors.add("", "the config must be a map of sections (server, routes, ...), not " + describe(tree));
        }
        List<Property> sections = properties(mapper.constructType(GatewayConfig.class));
        for (String key : keys(root)) {
            if (sections.stream().noneMatch(s -> s.accepts(key))) {
                errors.add(ConfigPath.key("", key), unknownKey(sections));
            }
        }
        ServerConfig server = bind(root.get("server"), ServerConfig.class, errors.at("server"));
        PluginsConfig plugins = bind(root.get("plugins"), PluginsConfig.class, errors.at("plugins"));
        Map<String, ObjectNode> stores = bindTypedMap(root.get("stores"), errors.at("stores"), "store");
        Map<String, ObjectNode> components = bindTypedMap(root.get("components"), errors.at("components"), "component");
        Map<String, ObjectNode> policies = bindTypedMap(root.get("policies"), errors.at("policies"), "policy");
        List<ConsumerConfig> consumers = bindEach(root.get("consumers"), ConsumerConfig.class, errors.at("consumers"));
        List<RouteConfig> routes = bindEach(root.get("routes"), RouteConfig.class, errors.at("routes"));
        GatewayConfig config = new GatewayConfig(server, plugins, unmodifiableMap(stores), unmodifiableMap(components),
                unmodifiableList(consumers), unmodifiableMap(policies), unmodifiableList(routes));
        GatewayConfigValidator.validate(config, errors);
        return config;
    }

    /**
     * Binds a map of plugin-typed objects entry by entry. An entry that fails stays as a
     * {@code null} value, so references to its name are not reported as unknown too.
     */
    private Map<String, ObjectNode> bindTypedMap(JsonNode node, ConfigErrorList errors, String what) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!(node instanceof ObjectNode object)) {
            errors.add("", "expected a map (name: {type: ...}), got " + describe(node, errors.prefix()));
            return out;
        }
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            ConfigErrorList at = errors.at(ConfigPath.key("", entry.getKey()));
            if (entry.getValue().isNull()) {
                at.add("", "expected a " + what + " {type: ...}, got nothing (null)");
            }
            out.put(entry.getKey(), bind(entry.getValue(), ObjectNode.class, at));
        }
        return out;
    }

    /**
     * Binds each element on its own. Elements that fail stay as {@code null} so the indices of
     * the others still match the YAML (the config is refused anyway).
     */
    private <T> List<T> bindEach(JsonNode node, Class<T> type, ConfigErrorList errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!(node instanceof ArrayNode array)) {
            errors.add("", "expected a list, got " + describe(node, errors.prefix()));
            return List.of();
        }
        List<T> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(bind(array.get(i), type, errors.at("[" + i + "]")));
        }
        return out;
    }

    /**
     * Binds a plugin's config: {@code node} without its {@code type} key, to {@code type} (the
     * factory's {@code configType()}). {@code errors} is positioned where the node sits, e.g.
     * {@code errors.at("routes[0].backend")}. A {@code Void} config type accepts no keys.
     *
     * @return the config, or null when it could not be bound (errors were added); a config that
     *     bound but failed validation is returned, with its errors added
     */
    public <T> T bindPlugin(ObjectNode node, Class<T> type, ConfigErrorList errors) {
        ObjectNode settings = node.objectNode();
        settings.setAll(node);
        settings.remove("type");
        if (type == Void.class) {
            for (String key : keys(settings)) {
                errors.add(ConfigPath.key("", key), "unknown key (this type takes no settings)");
            }
            return null;
        }
        return bind(settings, type, errors);
    }

    /**
     * {@link #bindPlugin(ObjectNode, Class, ConfigErrorList)} for one node at {@code path}.
     *
     * @throws ConfigInvalidException with every error found
     */
    public <T> T bindPlugin(ObjectNode node, Class<T> type, String path) {
        ConfigErrorList errors = new ConfigErrorList().at(path);
        T config = bindPlugin(node, type, errors);
        errors.throwIfAny();
        return config;
    }

    /**
     * Binds {@code node} (null or missing: {@code null}) to {@code type} and validates it.
     * {@code errors} is positioned at the node's path.
     *
     * @return the value, or null when it could not be bound (errors were added); a value that
     *     bound but failed validation is returned, with its errors added
     */
    public <T> T bind(JsonNode node, Class<T> type, ConfigErrorList errors) {
        return bind(node, mapper.constructType(type), errors);
    }

    @SuppressWarnings("unchecked")
    private <T> T bind(JsonNode node, JavaType type, ConfigErrorList errors) {
        JsonNode input = node == null || node.isMissingNode() ? NullNode.getInstance() : node;
        Bound bound = tryBind(input, type, errors);
        return bound.ok() ? (T) bound.value() : null;
    }

    /** The result of binding one node: ok with its value, or not ok (errors were added). */
    private record Bound(boolean ok, Object value) {
        static final Bound FAILED = new Bound(false, null);
    }

    /** Binds {@code node}; on failure finds every error in it. Validates what binds. */
    private Bound tryBind(JsonNode node, JavaType type, ConfigErrorList errors) {
        Object value;
        try {
            value = mapper.readerFor(type).readValue(node);
        } catch (IOException e) {
            diagnose(node, type, errors, e);
            return Bound.FAILED;
        }
        validateTree(value, errors, 0);
        return new Bound(true, value);
    }

    /** Finds every error in a node whose bind failed with {@code failure}. */
    private void diagnose(JsonNode node, JavaType type, ConfigErrorList errors, IOException failure) {
        Class<?> raw = type.getRawClass();
        if (node instanceof ObjectNode object && isPlainRecord(raw)) {
            diagnoseRecord(object, type, errors, failure);
        } else if (node instanceof ArrayNode array && (type.isCollectionLikeType() || type.isArrayType())) {
            boolean allBound = true;
            for (int i = 0; i < array.size(); i++) {
                allBound &= tryBind(array.get(i), type.getContentType(), errors.at("[" + i + "]")).ok();
            }
            if (allBound) {
                report(failure, node, type, errors);
            }
        } else if (node instanceof ObjectNode object && type.isMapLikeType()) {
            boolean allBound = true;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                allBound &= tryBind(field.getValue(), type.getContentType(),
                        errors.at(ConfigPath.key("", field.getKey()))).ok();
            }
            if (allBound) {
                report(failure, node, type, errors);
            }
        } else {
            report(failure, node, type, errors);
        }
    }

    private void diagnoseRecord(ObjectNode object, JavaType type, ConfigErrorList errors, IOException failure) {
        Class<?> raw = type.getRawClass();
        List<Property> properties = properties(type);
        JsonIgnoreProperties ignore = raw.getAnnotation(JsonIgnoreProperties.class);
        Set<String> ignored = ignore == null ? Set.of() : Set.of(ignore.value());
        boolean ignoreUnknown = ignore != null && ignore.ignoreUnknown();
        boolean allBound = true;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            Property property = properties.stream().filter(p -> p.accepts(key)).findFirst().orElse(null);
            if (property == null) {
                if (!ignoreUnknown && !ignored.contains(key)) {
                    errors.add(ConfigPath.key("", key), unknownKey(properties));
                    allBound = false;
                }
                continue;
            }
            allBound &= tryBind(field.getValue(), property.type(), errors.at(ConfigPath.key("", key))).ok();
        }
        for (Property property : properties) {
            if (property.required() && property.names().stream().noneMatch(n -> present(object.get(n)))) {
                errors.add(ConfigPath.key("", property.name()), "required");
                allBound = false;
            }
        }
        if (!allBound) {
            return;
        }
        // every part binds on its own: what failed is the record itself (its constructor)
        try {
            mapper.readerFor(type).readValue(object);
            report(failure, object, type, errors); // the first failure was real; report it as is
        } catch (IOException e) {
            report(e, object, type, errors);
        }
    }

    /** Adds one error for {@code e}, which happened binding {@code node} as {@code type}. */
    private void report(IOException e, JsonNode node, JavaType type, ConfigErrorList errors) {
        List<JsonMappingException.Reference> refs =
                e instanceof JsonMappingException m ? m.getPath() : List.of();
        String path = pathOf(refs);
        JsonNode offending = nodeAt(node, refs);
        String absolute = ConfigPath.join(errors.prefix(), path);
        String message;
        if (e instanceof ConfigMapper.ValueException v) {
            message = v.getOriginalMessage();
        } else if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown key (known: " + u.getKnownPropertyIds().stream()
                    .map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        } else if (e instanceof ValueInstantiationException vi) {
            Throwable cause = vi.getCause() == null ? vi : vi.getCause();
            if (cause instanceof ConfigException ce) {
                path = ConfigPath.join(path, ce.path());
            }
            message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        } else if (e instanceof InvalidFormatException f) {
            message = "expected " + describe(mapper.constructType(f.getTargetType())) + ", got "
                    + describe(offending, absolute);
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            message = "expected " + describe(mapper.constructType(m.getTargetType())) + ", got "
                    + describe(offending, absolute);
        } else if (e instanceof InputCoercionException c) {
            message = "number out of range for " + describe(mapper.constructType(c.getTargetType()))
                    + ": " + describe(offending, absolute);
        } else if (e instanceof JsonProcessingException p) {
            message = p.getOriginalMessage();
        } else {
            message = String.valueOf(e.getMessage());
        }
        errors.add(path, redact(message, offending, absolute));
    }

    /** Removes a sensitive value from a message that might quote it. */
    private String redact(String message, JsonNode value, String absolutePath) {
        if (value != null && value.isValueNode() && !value.isNull() && isSensitive(absolutePath)) {
            String text = value.asText();
            if (!text.isEmpty()) {
                return message.replace(text, ConfigRedactor.REDACTED);
            }
        }
        return message;
    }

    private boolean isSensitive(String absolutePath) {
        if (sensitivePaths.contains(absolutePath)) {
            return true;
        }
        for (String segment : absolutePath.split("[.\\[\\]\"]")) {
            if (!segment.isEmpty() && ConfigRedactor.isSecretKey(segment)) {
                return true;
            }
        }
        return false;
    }

    // ---- validation -------------------------------------------------------------------------

    /** Runs {@link Validatable#validate} on {@code value} and every record inside it. */
    private static void validateTree(Object value, ConfigErrorList errors, int depth) {
        if (value == null || depth > 32) {
            return;
        }
        if (value instanceof Validatable v) {
            try {
                v.validate(errors);
            } catch (RuntimeException e) {
                errors.add("", "cannot be checked: " + e);
            }
        }
        if (value instanceof Record) {
            for (Accessor accessor : ACCESSORS.get(value.getClass())) {
                validateTree(accessor.get(value), errors.at(ConfigPath.key("", accessor.name())), depth + 1);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object element = list.get(i);
                if (isStructured(element)) {
                    validateTree(element, errors.at("[" + i + "]"), depth + 1);
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (isStructured(entry.getValue())) {
                    validateTree(entry.getValue(), errors.at(ConfigPath.key("", String.valueOf(entry.getKey()))), depth + 1);
                }
            }
        }
    }

    private static boolean isStructured(Object value) {
        return value instanceof Record || value instanceof Validatable || value instanceof Collection<?>
                || value instanceof Map<?, ?>;
    }

    /** A record component's accessor with its YAML name. */
    private record Accessor(String name, Method method) {
        Object get(Object record) {
            try {
                return method.invoke(record);
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    }

    private static Accessor[] accessors(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            return new Accessor[0];
        }
        List<Accessor> out = new ArrayList<>();
        for (RecordComponent rc : components) {
            Class<?> t = rc.getType();
            if (t.isPrimitive() || t == String.class || Number.class.isAssignableFrom(t) || t == Boolean.class
                    || t.isEnum() || JsonNode.class.isAssignableFrom(t) || ConfigMapper.SCALAR_TYPES.contains(t)) {
                continue; // nothing inside to validate
            }
            Method m = rc.getAccessor();
            try {
                m.setAccessible(true); // plugin records may be package-private
            } catch (RuntimeException e) {
                continue;
            }
            out.add(new Accessor(yamlName(rc), m));
        }
        return out.toArray(new Accessor[0]);
    }

    // ---- record introspection (error path only) ---------------------------------------------

    /** A record component as YAML sees it. */
    private record Property(String name, List<String> names, JavaType type, boolean required) {
        boolean accepts(String key) {
            return names.contains(key);
        }
    }

    private List<Property> properties(JavaType type) {
        RecordComponent[] components = type.getRawClass().getRecordComponents();
        List<Property> out = new ArrayList<>();
        for (RecordComponent rc : components) {
            String name = yamlName(rc);
            List<String> names = new ArrayList<>();
            names.add(name);
            JsonAlias alias = annotation(rc, JsonAlias.class);
            if (alias != null) {
                names.addAll(Arrays.asList(alias.value()));
            }
            JsonProperty jp = annotation(rc, JsonProperty.class);
            JavaType componentType = mapper.getTypeFactory().resolveMemberType(rc.getGenericType(), type.getBindings());
            out.add(new Property(name, names, componentType, jp != null && jp.required()));
        }
        return out;
    }

    private static String yamlName(RecordComponent rc) {
        JsonProperty jp = annotation(rc, JsonProperty.class);
        return jp != null && !jp.value().isEmpty() ? jp.value() : rc.getName();
    }

    /**
     * An annotation written on a record component. Jackson's annotations do not target record
     * components, so Java puts them on the field, the accessor and the constructor parameter.
     */
    private static <A extends Annotation> A annotation(RecordComponent rc, Class<A> type) {
        A found = rc.getAnnotation(type);
        if (found == null) {
            found = rc.getAccessor().getAnnotation(type);
        }
        if (found == null) {
            try {
                found = rc.getDeclaringRecord().getDeclaredField(rc.getName()).getAnnotation(type);
            } catch (NoSuchFieldException e) {
                return null;
            }
        }
        return found;
    }

    /** A record bound through its canonical constructor (not a value type with its own creator). */
    private static boolean isPlainRecord(Class<?> type) {
        if (!type.isRecord() || ConfigMapper.SCALAR_TYPES.contains(type) || type.isAnnotationPresent(JsonDeserialize.class)) {
            return false;
        }
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)) {
                return false;
            }
        }
        return true;
    }

    private static String unknownKey(List<Property> known) {
        return "unknown key (known: " + known.stream().map(Property::name).collect(Collectors.joining(", ")) + ")";
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static String pathOf(List<JsonMappingException.Reference> refs) {
        String path = "";
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                path = ConfigPath.key(path, ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path = ConfigPath.index(path, ref.getIndex());
            }
        }
        return path;
    }

    private static JsonNode nodeAt(JsonNode node, List<JsonMappingException.Reference> refs) {
        JsonNode at = node;
        for (JsonMappingException.Reference ref : refs) {
            if (at == null) {
                return null;
            }
            at = ref.getFieldName() != null ? at.get(ref.getFieldName()) : ref.getIndex() >= 0 ? at.get(ref.getIndex()) : at;
        }
        return at;
    }

    // ---- descriptions for messages ----------------------------------------------------------

    /** What a value of {@code type} looks like, for "expected ..." messages. */
    static String describe(JavaType type) {
        Class<?> c = type.getRawClass();
        if (c == String.class || c == CharSequence.class || c == Character.class || c == char.class) {
            return "a string";
        }
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class
                || c == short.class || c == Byte.class || c == byte.class || c == BigInteger.class) {
            return "an integer";
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class || c == BigDecimal.class) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (c == Duration.class) {
            return "a duration (" + DurationFormat.EXAMPLES + ")";
        }
        if (c == DataSize.class) {
            return "a size (e.g. 512, 16KiB, 10MB)";
        }
        if (c.isEnum()) {
            return "one of " + Arrays.stream(c.getEnumConstants()).map(ConfigBinder::enumName).collect(Collectors.joining(", "));
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "a list";
        }
        if (c == JsonNode.class) {
            return "a value";
        }
        return "a map";
    }

    /** How a constant is written in YAML: its {@code @JsonProperty} name, else its name in lower case (case is ignored). */
    private static String enumName(Object constant) {
        String written = ConfigMapper.json().valueToTree(constant).asText();
        return written.equals(((Enum<?>) constant).name()) ? written.toLowerCase(Locale.ROOT) : written;
    }

    /** What a YAML value is, for "got ..." messages: {@code 'abc'}, {@code 1.5}, {@code a list}. */
    static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing (null)";
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a map";
        }
        return node.asText();
    }

    private String describe(JsonNode node, String absolutePath) {
        return redact(describe(node), node, absolutePath);
    }

    private static List<String> keys(ObjectNode object) {
        List<String> out = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
