package dev.portcullis.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON path subset rules use: {@code $}, {@code .name}, {@code ['name']}, {@code [n]},
 * {@code [*]}, {@code .*} and {@code ..name} (any depth). A path selects a value and everything
 * inside it, so {@code $.to} and {@code $.to[*]} both reach every recipient.
 *
 * <p>Values are matched by their concrete location (a list of member names and array indices),
 * which the document computes once; no tree is walked per condition.
 */
final class JsonPath {

    private sealed interface Step {}

    private record Member(String name) implements Step {}

    private record Index(int index) implements Step {}

    private record AnyChild() implements Step {}

    /** {@code ..name}, or {@code ..*} when name is null. */
    private record Descendant(String name) implements Step {}

    private final String text;
    private final Step[] steps;

    private JsonPath(String text, Step[] steps) {
        this.text = text;
        this.steps = steps;
    }

    /** The path of one top-level member (a form field or JSON member named {@code name}). */
    static JsonPath member(String name) {
        return new JsonPath(name, new Step[] {new Member(name)});
    }

    /**
     * Parses {@code $.to[*]} and friends.
     *
     * @throws IllegalArgumentException with a message fit for a config error
     */
    static JsonPath parse(String text) {
        List<Step> steps = new ArrayList<>();
        if (text.isEmpty() || text.charAt(0) != '$') {
            throw bad(text, "must start with '$'");
        }
        int i = 1;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.') {
                boolean descendant = i + 1 < n && text.charAt(i + 1) == '.';
                i += descendant ? 2 : 1;
                int start = i;
                while (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') {
                    i++;
                }
                String name = text.substring(start, i);
                if (name.isEmpty()) {
                    throw bad(text, "expected a name at " + start);
                }
                if (name.equals("*")) {
                    steps.add(descendant ? new Descendant(null) : new AnyChild());
                } else {
                    steps.add(descendant ? new Descendant(name) : new Member(name));
                }
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw bad(text, "expected ']' at " + n);
                }
                String inside = text.substring(i + 1, close).trim();
                if (inside.equals("*")) {
                    steps.add(new AnyChild());
                } else if (inside.length() >= 2 && (inside.charAt(0) == '\'' || inside.charAt(0) == '"')
                        && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
                    steps.add(new Member(inside.substring(1, inside.length() - 1)));
                } else if (!inside.isEmpty() && inside.length() <= 9 && inside.chars().allMatch(Character::isDigit)) {
                    steps.add(new Index(Integer.parseInt(inside)));
                } else {
                    throw bad(text, "expected an index, '*' or a quoted name inside [] at " + (i + 1));
                }
                i = close + 1;
            } else {
                throw bad(text, "unexpected '" + c + "' at " + i);
            }
        }
        return new JsonPath(text, steps.toArray(Step[]::new));
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("not a JSON path: '" + text + "' (" + why + ")");
    }

    /**
     * Whether this path selects the value at {@code location} (member names as strings, array
     * indices as integers) or a value that contains it.
     */
    boolean selects(Object[] location) {
        return match(0, location, 0);
    }

    private boolean match(int step, Object[] location, int at) {
        if (step == steps.length) {
            return true;
        }
        if (at == location.length) {
            return false;
        }
        Object here = location[at];
        return switch (steps[step]) {
            case Member m -> m.name.equals(here) && match(step + 1, location, at + 1);
            case Index ix -> here instanceof Integer k && k == ix.index && match(step + 1, location, at + 1);
            case AnyChild any -> match(step + 1, location, at + 1);
            case Descendant d -> {
                for (int k = at; k < location.length; k++) {
                    if ((d.name == null || d.name.equals(location[k])) && match(step + 1, location, k + 1)) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
