package dev.portcullis.detect;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Detectors by name: the built-in ones plus any made from regular expressions. Immutable; build
 * one per config and share it.
 */
public final class DetectorRegistry {

    private static final DetectorRegistry BUILT_IN = new DetectorRegistry(Map.of());

    private final Map<String, Detector> byName;
    private final SortedSet<String> names;

    private DetectorRegistry(Map<String, Pattern> custom) {
        Map<String, Detector> all = new LinkedHashMap<>();
        for (Detector d : new Detector[] {
                new EmailDetector(), new PhoneDetector(), new PaymentCardDetector(), new IbanDetector(),
                new UsSsnDetector(), new Ipv4Detector(), new Ipv6Detector(), new SecretDetector()}) {
            all.put(d.name(), d);
        }
        custom.forEach((name, pattern) -> {
            if (all.containsKey(name)) {
                throw new IllegalArgumentException("detector '" + name + "' is built in");
            }
            all.put(name, new RegexDetector(name, pattern, 0.8));
        });
        this.byName = Map.copyOf(all);
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(all.keySet()));
    }

    /** The built-in detectors. */
    public static DetectorRegistry builtIn() {
        return BUILT_IN;
    }

    /**
     * The built-in detectors plus one {@link RegexDetector} per entry of {@code custom}.
     *
     * @throws IllegalArgumentException if a custom name is a built-in one
     */
    public static DetectorRegistry withCustom(Map<String, Pattern> custom) {
        return custom.isEmpty() ? BUILT_IN : new DetectorRegistry(custom);
    }

    /** Whether {@code name} is a built-in detector. */
    public static boolean isBuiltIn(String name) {
        return BUILT_IN.byName.containsKey(name);
    }

    /** The detector called {@code name}. */
    public Optional<Detector> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every detector name, sorted. */
    public SortedSet<String> names() {
        return names;
    }

    /** Every detector. */
    public Collection<Detector> all() {
        return byName.values();
    }
}
