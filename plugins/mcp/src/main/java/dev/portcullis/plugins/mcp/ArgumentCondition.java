package dev.portcullis.plugins.mcp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A compiled {@link TbacConfig.Condition}: every value its path reaches in a call's arguments must
 * pass every check. A failure says what was required (safe to audit) and what was found (only for
 * the client, who sent it).
 */
final class ArgumentCondition {

    /** Why a call's arguments fail: the requirement, and the offending value (null when missing). */
    record Failure(String requirement, String got) {}

    private static final int MAX_SHOWN = 64;

    private final JsonPath path;
    private final Object equalsValue;
    private final List<Object> in;
    private final Pattern regex;
    private final BigDecimal min;
    private final BigDecimal max;
    private final Set<String> domains;
    private final String domainsText;

    ArgumentCondition(TbacConfig.Condition c) {
        this.path = JsonPath.parse(c.path());
        this.equalsValue = c.equals();
        this.in = c.in() == null ? null : List.copyOf(c.in());
        this.regex = c.regex() == null ? null : Pattern.compile(c.regex());
        this.min = c.min();
        this.max = c.max();
        this.domains = c.emailDomainIn() == null ? null
                : c.emailDomainIn().stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.domainsText = c.emailDomainIn() == null ? null : "[" + String.join(", ", c.emailDomainIn()) + "]";
    }

    /** Null when {@code arguments} pass; else the first failure. */
    Failure check(Object arguments) {
        List<Object> values = path.select(arguments);
        if (values.isEmpty()) {
            return new Failure("requires " + path + ", which is missing", null);
        }
        for (Object v : values) {
            if (equalsValue != null && !same(v, equalsValue)) {
                return new Failure("requires every " + path + " to equal " + equalsValue, shown(v));
            }
            if (in != null && in.stream().noneMatch(allowed -> same(v, allowed))) {
                return new Failure("requires every " + path + " in " + in, shown(v));
            }
            if (regex != null && !(isScalar(v) && regex.matcher(String.valueOf(v)).matches())) {
                return new Failure("requires every " + path + " to match " + regex.pattern(), shown(v));
            }
            if (min != null || max != null) {
                BigDecimal n = number(v);
                if (n == null || (min != null && n.compareTo(min) < 0) || (max != null && n.compareTo(max) > 0)) {
                    return new Failure("requires every " + path + " to be a number within ["
                            + (min == null ? "-inf" : min.toPlainString()) + ", "
                            + (max == null ? "inf" : max.toPlainString()) + "]", shown(v));
                }
            }
            if (domains != null) {
                String domain = emailDomain(v);
                if (domain == null || !domains.contains(domain)) {
                    return new Failure("requires every " + path + " in " + domainsText,
                            domain == null ? "not an e-mail address" : shown(domain));
                }
            }
        }
        return null;
    }

    private static boolean same(Object value, Object expected) {
        BigDecimal a = number(value);
        BigDecimal b = number(expected);
        if (a != null && b != null && value instanceof Number && expected instanceof Number) {
            return a.compareTo(b) == 0;
        }
        return isScalar(value) && String.valueOf(value).equals(String.valueOf(expected));
    }

    private static boolean isScalar(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    private static BigDecimal number(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            try {
                return new BigDecimal(n.toString());
            } catch (NumberFormatException e) {
                return null; // NaN, infinity
            }
        }
        return null;
    }

    /** The domain of an e-mail address (after the last '@', lower-cased), or null. */
    private static String emailDomain(Object v) {
        if (!(v instanceof String s)) {
            return null;
        }
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            return null;
        }
        String domain = s.substring(at + 1).strip();
        if (domain.endsWith(">")) { // "Name <a@b>"
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain.toLowerCase(Locale.ROOT);
    }

    private static String shown(Object v) {
        String s = v instanceof String str ? str : String.valueOf(v);
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
    }
}
