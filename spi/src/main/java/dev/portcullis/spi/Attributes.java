package dev.portcullis.spi;

import java.util.Optional;

/**
 * Typed facts attached to one exchange, shared across policies and layers ("prompt flagged",
 * "route version"). Write-once: a fact, once stated, cannot be silently overwritten by a later
 * policy.
 */
public interface Attributes {

    /**
     * Sets {@code key} to {@code value}.
     *
     * @throws IllegalStateException if the key already has a value
     */
    <T> void set(AttributeKey<T> key, T value);

    /** The value of {@code key}, if set. */
    <T> Optional<T> get(AttributeKey<T> key);

    /** Whether {@code key} has a value. */
    default boolean has(AttributeKey<?> key) {
        return get(key).isPresent();
    }
}
