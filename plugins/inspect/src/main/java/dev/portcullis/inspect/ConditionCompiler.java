package dev.portcullis.inspect;

import dev.portcullis.detect.Detector;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.spi.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns validated {@link InspectConfig.Condition}s into {@link Condition}s, once per config. */
final class ConditionCompiler {

    private final DetectorRegistry detectors;

    ConditionCompiler(DetectorRegistry detectors) {
        this.detectors = detectors;
    }

    /** All of {@code when}, as one condition. */
    Condition compileAll(List<InspectConfig.Condition> when, String path) {
        List<Condition> compiled = new ArrayList<>(when.size());
        for (int i = 0; i < when.size(); i++) {
            compiled.add(compile(when.get(i), path + "[" + i + "]"));
        }
        return compiled.size() == 1 ? compiled.get(0) : new Condition.All(List.copyOf(compiled));
    }

    Condition compile(InspectConfig.Condition c, String path) {
        JsonPath field = field(c.field(), path);
        if (c.detectorNames() != null) {
            List<Detector> list = new ArrayList<>();
            for (String name : new LinkedHashSet<>(c.detectorNames())) {
                list.add(detectors.find(name).orElseThrow(() -> new ConfigException(path, "unknown detector '" + name + "'")));
            }
            return new Condition.Detected(field, List.copyOf(list));
        }
        if (c.regex() != null) {
            return new Condition.Matches(field, Pattern.compile(c.regex(), c.ignoringCase() ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
        }
        if (c.contains() != null) {
            return new Condition.Contains(field, c.contains(), c.ignoringCase());
        }
        if (c.emailDomainIn() != null || c.emailDomainNotIn() != null) {
            boolean outside = c.emailDomainNotIn() != null;
            Set<String> domains = new LinkedHashSet<>();
            for (String d : outside ? c.emailDomainNotIn() : c.emailDomainIn()) {
                domains.add(d.toLowerCase(Locale.ROOT));
            }
            return new Condition.EmailDomain(field, domains, outside, c.withSubdomains());
        }
        if (c.equalTo() != null || c.in() != null) {
            Set<String> values = new HashSet<>();
            for (String v : c.equalTo() != null ? List.of(c.equalTo()) : c.in()) {
                values.add(c.ignoringCase() ? v.toLowerCase(Locale.ROOT) : v);
            }
            return new Condition.OneOf(field, Set.copyOf(values), c.ignoringCase());
        }
        if (c.any() != null) {
            List<Condition> list = new ArrayList<>();
            for (int i = 0; i < c.any().size(); i++) {
                list.add(compile(c.any().get(i), path + ".any[" + i + "]"));
            }
            return new Condition.Any(List.copyOf(list));
        }
        if (c.all() != null) {
            return compileAll(c.all(), path + ".all");
        }
        if (c.not() != null) {
            return new Condition.Not(compile(c.not(), path + ".not"), describe(c.not()));
        }
        throw new ConfigException(path, "no test");
    }

    private static JsonPath field(String field, String path) {
        if (field == null) {
            return null;
        }
        try {
            return field.startsWith("$") ? JsonPath.parse(field) : JsonPath.member(field);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + ".field", e.getMessage());
        }
    }

    /** A short static description of a condition, for the reason of a {@code not}. */
    static String describe(InspectConfig.Condition c) {
        String where = c.field() == null ? "body" : c.field();
        if (c.detectorNames() != null) {
            return where + " contains " + String.join(", ", c.detectorNames());
        }
        if (c.regex() != null) {
            return where + " matches /" + c.regex() + "/";
        }
        if (c.contains() != null) {
            return where + " contains '" + c.contains() + "'";
        }
        if (c.emailDomainIn() != null) {
            return where + " has a domain in " + c.emailDomainIn();
        }
        if (c.emailDomainNotIn() != null) {
            return where + " has a domain not in " + c.emailDomainNotIn();
        }
        if (c.equalTo() != null || c.in() != null) {
            return where + " is one of the listed values";
        }
        if (c.any() != null) {
            return "any of " + c.any().size() + " conditions";
        }
        if (c.all() != null) {
            return "all of " + c.all().size() + " conditions";
        }
        return c.not() == null ? "?" : "not (" + describe(c.not()) + ")";
    }
}
