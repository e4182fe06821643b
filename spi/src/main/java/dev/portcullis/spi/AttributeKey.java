package dev.portcullis.spi;

/**
 * A typed key for an exchange attribute. Keys compare by identity: declare them once as
 * constants, e.g. {@code static final AttributeKey<Boolean> PROMPT_FLAGGED = AttributeKey.of("prompt.flagged", Boolean.class)}.
 *
 * @param <T> the value type
 */
public final class AttributeKey<T> {

    private final String name;
    private final Class<T> type;

    private AttributeKey(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    /** A new key; {@code name} is for logs and the admin API only. */
    public static <T> AttributeKey<T> of(String name, Class<T> type) {
        return new AttributeKey<>(name, type);
    }

    /** The key's name. */
    public String name() {
        return name;
    }

    /** The value type. */
    public Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return name;
    }
}
