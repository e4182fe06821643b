package dev.portcullis.spi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An ordered, case-insensitive HTTP header multimap. Not thread-safe: an exchange is handled by
 * one thread at a time.
 *
 * <p>Kept as parallel lists rather than a map: requests carry a dozen headers, and a linear scan
 * over interned lower-case names beats hashing at that size.
 */
public final class Headers implements Iterable<Headers.Entry> {

    /** One header line. {@code name} keeps the case it was given. */
    public record Entry(String name, String value) {}

    private final List<String> names;
    private final List<String> values;

    /** An empty header set. */
    public Headers() {
        this(16);
    }

    /** An empty header set with room for {@code capacity} lines. */
    public Headers(int capacity) {
        names = new ArrayList<>(capacity);
        values = new ArrayList<>(capacity);
    }

    /** A copy of {@code other}. */
    public static Headers copyOf(Headers other) {
        Headers copy = new Headers(other.size() + 4);
        copy.names.addAll(other.names);
        copy.values.addAll(other.values);
        return copy;
    }

    /** Headers from alternating name/value pairs. */
    public static Headers of(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("name/value pairs expected");
        }
        Headers h = new Headers(nameValuePairs.length / 2 + 4);
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            h.add(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return h;
    }

    /** Appends a value, keeping any existing ones. */
    public Headers add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces all values of {@code name} with one value. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every value of {@code name}; returns whether any was present. */
    public boolean remove(String name) {
        boolean removed = false;
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
                removed = true;
            }
        }
        return removed;
    }

    /** The first value of {@code name}. */
    public Optional<String> first(String name) {
        return Optional.ofNullable(get(name));
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(String name) {
        for (int i = 0, n = names.size(); i < n; i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0, n = names.size(); i < n; i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                out.add(values.get(i));
            }
        }
        return out;
    }

    /** Whether {@code name} has at least one value. */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /** The name of line {@code index} (0-based, in order); for allocation-free iteration. */
    public String nameAt(int index) {
        return names.get(index);
    }

    /** The value of line {@code index} (0-based, in order). */
    public String valueAt(int index) {
        return values.get(index);
    }

    /** Number of header lines. */
    public int size() {
        return names.size();
    }

    /** Calls {@code action} for every line in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0, n = names.size(); i < n; i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    /** The distinct header names, lower-cased, in first-seen order. */
    public List<String> names() {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            String lower = n.toLowerCase(Locale.ROOT);
            if (!out.contains(lower)) {
                out.add(lower);
            }
        }
        return out;
    }

    @Override
    public Iterator<Entry> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < names.size();
            }

            @Override
            public Entry next() {
                Entry e = new Entry(names.get(i), values.get(i));
                i++;
                return e;
            }
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers[");
        forEach((n, v) -> sb.append(n).append(": ").append(v).append("; "));
        return sb.append(']').toString();
    }
}
