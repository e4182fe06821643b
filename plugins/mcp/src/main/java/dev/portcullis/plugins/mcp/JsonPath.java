package dev.portcullis.plugins.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small JSONPath subset argument conditions use: {@code $}, {@code .name}, {@code ['name']},
 * {@code [n]}, {@code [*]} and {@code .*}. Parsed once; evaluated over plain Java values (maps,
 * lists, scalars) to every value the path reaches.
 */
final class JsonPath {

    /** One step: a field name, an index, or every child (wildcard). */
    private record Step(String field, int index, boolean wildcard) {}

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** Parses {@code text}; throws IllegalArgumentException saying what is wrong. */
    static JsonPath parse(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new IllegalArgumentException("a JSON path starts with $");
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.') {
                int start = ++i;
                while (i < text.length() && text.charAt(i) != '.' && text.charAt(i) != '[') {
                    i++;
                }
                String name = text.substring(start, i);
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("empty field name at " + start);
                }
                steps.add(name.equals("*") ? new Step(null, -1, true) : new Step(name, -1, false));
            } else if (c == '[') {
                int end = text.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [ at " + i);
                }
                String inner = text.substring(i + 1, end).strip();
                if (inner.equals("*")) {
                    steps.add(new Step(null, -1, true));
                } else if (inner.length() >= 2 && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
                        && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
                    steps.add(new Step(inner.substring(1, inner.length() - 1), -1, false));
                } else {
                    try {
                        int index = Integer.parseInt(inner);
                        if (index < 0) {
                            throw new IllegalArgumentException("negative index at " + i);
                        }
                        steps.add(new Step(null, index, false));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("expected an index, * or a quoted name in [" + inner + "]");
                    }
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
            }
        }
        return new JsonPath(text, List.copyOf(steps));
    }

    /** Every value the path reaches from {@code root}, in document order; empty when none. */
    List<Object> select(Object root) {
        List<Object> current = new ArrayList<>(1);
        current.add(root);
        for (Step step : steps) {
            List<Object> next = new ArrayList<>(current.size());
            for (Object node : current) {
                if (step.wildcard()) {
                    if (node instanceof Map<?, ?> m) {
                        next.addAll(m.values());
                    } else if (node instanceof List<?> l) {
                        next.addAll(l);
                    }
                } else if (step.field() != null) {
                    if (node instanceof Map<?, ?> m && m.containsKey(step.field())) {
                        next.add(m.get(step.field()));
                    }
                } else if (node instanceof List<?> l && step.index() < l.size()) {
                    next.add(l.get(step.index()));
                }
            }
            current = next;
        }
        return current;
    }

    @Override
    public String toString() {
        return text;
    }
}
