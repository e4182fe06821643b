package dev.portcullis.inspect;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.portcullis.detect.DetectorRegistry;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.DataSize;
import dev.portcullis.spi.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Config of the {@code inspect} policy: rules over the request and/or response body that block,
 * redact or log when their conditions hold.
 *
 * @param phase            which bodies to inspect
 * @param maxBody          bodies larger than this are not read (see {@code onUninspectable})
 * @param contentTypes     media types to inspect; {@code *} matches any characters
 * @param action           what a matching rule does unless it says otherwise
 * @param minConfidence    detector findings below this confidence are ignored
 * @param detectors        extra detectors: name to regular expression
 * @param mask             how redacted spans are written
 * @param onUninspectable  what to do with a body that is too large or content-encoded
 * @param rules            the rules, evaluated in order
 */
public record InspectConfig(
        Phase phase,
        DataSize maxBody,
        List<String> contentTypes,
        Action action,
        Double minConfidence,
        Map<String, String> detectors,
        Mask mask,
        Uninspectable onUninspectable,
        List<Rule> rules) implements Validatable {

    /** The default body limit. */
    public static final DataSize DEFAULT_MAX_BODY = DataSize.ofBytes(1 << 20);

    /** The default media types: JSON, forms, text. */
    public static final List<String> DEFAULT_CONTENT_TYPES =
            List.of("application/json", "application/*+json", "application/x-www-form-urlencoded", "text/*");

    /** Applies defaults. */
    public InspectConfig {
        phase = phase == null ? Phase.REQUEST : phase;
        maxBody = maxBody == null ? DEFAULT_MAX_BODY : maxBody;
        contentTypes = contentTypes == null ? DEFAULT_CONTENT_TYPES : List.copyOf(contentTypes);
        action = action == null ? Action.BLOCK : action;
        minConfidence = minConfidence == null ? 0.5 : minConfidence;
        detectors = detectors == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(detectors));
        mask = mask == null ? new Mask(null, null) : mask;
        onUninspectable = onUninspectable == null ? Uninspectable.PASS : onUninspectable;
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** Which bodies a policy inspects. */
    public enum Phase {
        REQUEST, RESPONSE, BOTH;

        @JsonValue
        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean request() {
            return this != RESPONSE;
        }

        boolean response() {
            return this != REQUEST;
        }
    }

    /** What a matching rule does. */
    public enum Action {
        /** Refuse with 403 {@code content-blocked}. */
        BLOCK,
        /** Mask the matched spans and let the (changed) body through. */
        REDACT,
        /** Shadow mode: count and log the match, change nothing. */
        LOG;

        @JsonValue
        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What happens to a body that cannot be inspected (too large, content-encoded). */
    public enum Uninspectable {
        /** Let it through uninspected (counted in {@code portcullis.inspect.skipped}). */
        PASS,
        /** Refuse it (413 for too large, 415 for encoded). */
        BLOCK;

        @JsonValue
        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How redacted spans are written.
     *
     * @param template replacement text; {@code {kind}} becomes the detector name
     * @param keepLast kinds whose last N letters or digits stay visible, the rest become {@code *}
     *                 ({@code payment-card: 4} writes {@code ****-****-****-1111})
     */
    public record Mask(String template, Map<String, Integer> keepLast) {

        /** Applies defaults. */
        public Mask {
            template = template == null ? "[REDACTED:{kind}]" : template;
            keepLast = keepLast == null ? Map.of() : Map.copyOf(keepLast);
        }
    }

    /**
     * One rule.
     *
     * @param name   shown in the refusal, the log and the {@code rule} tag
     * @param when   conditions that must all hold
     * @param action this rule's action; the policy's when absent
     */
    public record Rule(String name, List<Condition> when, Action action) {

        /** Applies defaults. */
        public Rule {
            when = when == null ? List.of() : List.copyOf(when);
        }
    }

    /**
     * One condition: exactly one test ({@code detector}, {@code regex}, ...) or one combinator
     * ({@code any}, {@code all}, {@code not}). {@code field} narrows a test to the values a JSON
     * path ({@code $.to[*]}) or a form field / top-level member name ({@code to}) selects; without
     * it the test looks at the whole body. A test over several values holds if any value passes.
     *
     * @param field            JSON path or field name
     * @param detector         detector names: holds if any finds something
     * @param anyDetector      the same as {@code detector}
     * @param regex            holds if the regular expression is found
     * @param contains         holds if this text occurs
     * @param ignoreCase       for {@code contains}, {@code regex}, {@code equals}, {@code in}
     * @param emailDomainIn    holds if a value is an e-mail address in one of these domains
     * @param emailDomainNotIn holds if a value is an e-mail address outside these domains, or not an address
     * @param subdomains       whether {@code sub.example.com} counts as {@code example.com} (default true)
     * @param equalTo          ({@code equals}) holds if a value is exactly this
     * @param in               holds if a value is one of these
     * @param any              holds if any of these holds
     * @param all              holds if all of these hold
     * @param not              holds if this does not
     */
    public record Condition(
            String field,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> detector,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> anyDetector,
            String regex,
            String contains,
            Boolean ignoreCase,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> emailDomainIn,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> emailDomainNotIn,
            Boolean subdomains,
            @JsonProperty("equals") String equalTo,
            List<String> in,
            List<Condition> any,
            List<Condition> all,
            Condition not) {

        /** The names of the tests and combinators, in the order errors list them. */
        static final List<String> KINDS = List.of("detector", "anyDetector", "regex", "contains", "emailDomainIn",
                "emailDomainNotIn", "equals", "in", "any", "all", "not");

        /** The names of the tests and combinators that are set. */
        List<String> kindsSet() {
            List<String> set = new ArrayList<>(2);
            Object[] values = {detector, anyDetector, regex, contains, emailDomainIn, emailDomainNotIn, equalTo, in, any, all, not};
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    set.add(KINDS.get(i));
                }
            }
            return set;
        }

        /** The detector names of {@code detector} or {@code anyDetector}. */
        List<String> detectorNames() {
            return detector != null ? detector : anyDetector;
        }

        boolean ignoringCase() {
            return ignoreCase != null && ignoreCase;
        }

        boolean withSubdomains() {
            return subdomains == null || subdomains;
        }
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (maxBody.bytes() < 1 || maxBody.bytes() > Integer.MAX_VALUE - 16) {
            errors.add("maxBody", "must be between 1 byte and 2GiB");
        }
        for (int i = 0; i < contentTypes.size(); i++) {
            String ct = contentTypes.get(i);
            if (ct == null || ct.indexOf('/') <= 0 || ct.contains(";") || ct.isBlank()) {
                errors.add("contentTypes[" + i + "]", "not a media type pattern: '" + ct + "' (e.g. application/json, text/*)");
            }
        }
        if (minConfidence < 0 || minConfidence > 1) {
            errors.add("minConfidence", "must be between 0 and 1");
        }
        Set<String> knownDetectors = new TreeSet<>(DetectorRegistry.builtIn().names());
        detectors.forEach((name, regex) -> {
            String path = "detectors." + name;
            if (DetectorRegistry.isBuiltIn(name)) {
                errors.add(path, "'" + name + "' is a built-in detector; choose another name");
            } else if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
                errors.add(path, "detector names use lower-case letters, digits, '-' and '_'");
            }
            regexError(regex).ifPresent(e -> errors.add(path, e));
            knownDetectors.add(name);
        });
        if (mask.template().isEmpty()) {
            errors.add("mask.template", "must not be empty");
        }
        mask.keepLast().forEach((kind, n) -> {
            if (!knownDetectors.contains(kind)) {
                errors.add("mask.keepLast." + kind, "unknown detector '" + kind + "' (known: " + String.join(", ", knownDetectors) + ")");
            }
            if (n == null || n < 0 || n > 8) {
                errors.add("mask.keepLast." + kind, "must be between 0 and 8");
            }
        });
        if (rules.isEmpty()) {
            errors.add("rules", "at least one rule is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            ConfigErrors at = errors.at("rules[" + i + "]");
            if (rule == null) {
                at.add("", "must not be empty");
                continue;
            }
            if (rule.name() == null || rule.name().isBlank()) {
                at.add("name", "is required");
            } else if (!names.add(rule.name())) {
                at.add("name", "duplicate rule name '" + rule.name() + "'");
            }
            if (rule.when().isEmpty()) {
                at.add("when", "at least one condition is required");
            }
            for (int j = 0; j < rule.when().size(); j++) {
                validate(rule.when().get(j), at.at("when[" + j + "]"), knownDetectors);
            }
        }
    }

    private static void validate(Condition c, ConfigErrors errors, Set<String> knownDetectors) {
        if (c == null) {
            errors.add("", "must not be empty");
            return;
        }
        List<String> kinds = c.kindsSet();
        if (kinds.isEmpty()) {
            errors.add("", "no test: set one of " + String.join(", ", Condition.KINDS));
            return;
        }
        if (kinds.size() > 1) {
            errors.add("", "one test per condition, found " + String.join(" and ", kinds) + ": list them as separate conditions");
            return;
        }
        boolean combinator = c.any() != null || c.all() != null || c.not() != null;
        if (c.field() != null) {
            if (combinator) {
                errors.add("field", "applies to tests, not to " + kinds.get(0) + ": put it on the conditions inside");
            } else if (c.field().isBlank()) {
                errors.add("field", "must not be empty");
            } else if (c.field().startsWith("$")) {
                try {
                    JsonPath.parse(c.field());
                } catch (IllegalArgumentException e) {
                    errors.add("field", e.getMessage());
                }
            }
        }
        if ((c.emailDomainIn() != null || c.emailDomainNotIn() != null) && c.field() == null) {
            errors.add("field", "is required with " + kinds.get(0) + ": the values that are addresses, e.g. $.to[*]");
        }
        if (c.detectorNames() != null) {
            String key = c.detector() != null ? "detector" : "anyDetector";
            if (c.detectorNames().isEmpty()) {
                errors.add(key, "must name at least one detector");
            }
            for (String name : c.detectorNames()) {
                if (!knownDetectors.contains(name)) {
                    errors.add(key, "unknown detector '" + name + "' (known: " + String.join(", ", knownDetectors) + ")");
                }
            }
        }
        if (c.regex() != null) {
            regexError(c.regex()).ifPresent(e -> errors.add("regex", e));
        }
        if (c.contains() != null && c.contains().isEmpty()) {
            errors.add("contains", "must not be empty");
        }
        domains(c.emailDomainIn(), "emailDomainIn", errors);
        domains(c.emailDomainNotIn(), "emailDomainNotIn", errors);
        if (c.in() != null && c.in().isEmpty()) {
            errors.add("in", "must list at least one value");
        }
        nested(c.any(), "any", errors, knownDetectors);
        nested(c.all(), "all", errors, knownDetectors);
        if (c.not() != null) {
            validate(c.not(), errors.at("not"), knownDetectors);
        }
    }

    private static void nested(List<Condition> list, String key, ConfigErrors errors, Set<String> knownDetectors) {
        if (list == null) {
            return;
        }
        if (list.isEmpty()) {
            errors.add(key, "must list at least one condition");
        }
        for (int k = 0; k < list.size(); k++) {
            validate(list.get(k), errors.at(key + "[" + k + "]"), knownDetectors);
        }
    }

    private static void domains(List<String> domains, String key, ConfigErrors errors) {
        if (domains == null) {
            return;
        }
        if (domains.isEmpty()) {
            errors.add(key, "must list at least one domain");
        }
        for (int k = 0; k < domains.size(); k++) {
            String d = domains.get(k);
            if (d == null || d.isBlank() || d.contains("@") || d.contains(" ") || d.startsWith(".") || d.endsWith(".")) {
                errors.add(key + "[" + k + "]", "not a domain: '" + d + "' (e.g. example.com)");
            }
        }
    }

    private static Optional<String> regexError(String regex) {
        if (regex == null || regex.isEmpty()) {
            return Optional.of("must not be empty");
        }
        try {
            Pattern.compile(regex);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }
}
