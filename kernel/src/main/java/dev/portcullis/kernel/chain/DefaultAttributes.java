package dev.portcullis.kernel.chain;

import dev.portcullis.spi.AttributeKey;
import dev.portcullis.spi.Attributes;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/** Write-once attributes; the map is created on first write (most exchanges never write one). */
final class DefaultAttributes implements Attributes {

    private Map<AttributeKey<?>, Object> values;

    @Override
    public <T> void set(AttributeKey<T> key, T value) {
        if (values == null) {
            values = new IdentityHashMap<>(4);
        }
        if (values.putIfAbsent(key, key.type().cast(value)) != null) {
            throw new IllegalStateException("attribute '" + key.name() + "' is already set");
        }
    }

    @Override
    public <T> Optional<T> get(AttributeKey<T> key) {
        return values == null ? Optional.empty() : Optional.ofNullable(key.type().cast(values.get(key)));
    }

    /** Names and values for the audit/admin view. */
    Map<String, Object> snapshot() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (values != null) {
            values.forEach((k, v) -> out.put(k.name(), v));
        }
        return out;
    }
}
