package dev.portcullis.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.Set;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in the string values of a parsed tree.
 * Working on parsed scalars means a variable can never inject YAML structure. {@code $${} writes
 * a literal {@code ${}. Values are not expanded again. As in the shell, {@code :-} uses the default
 * when the variable is unset or empty.
 */
final class EnvSubstitution {

    private final Map<String, String> env;
    private final ConfigErrorList errors;
    private final Set<String> substituted;

    /**
     * @param substituted receives the path of every value that took something from the environment
     */
    EnvSubstitution(Map<String, String> env, ConfigErrorList errors, Set<String> substituted) {
        this.env = env;
        this.errors = errors;
        this.substituted = substituted;
    }

    /** Substitutes in place throughout {@code node}, whose path is {@code path}. */
    void apply(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String childPath = ConfigPath.key(path, field.getKey());
                if (field.getValue().isTextual()) {
                    String replaced = substitute(field.getValue().textValue(), childPath);
                    if (replaced != null) {
                        field.setValue(TextNode.valueOf(replaced));
                    }
                } else {
                    apply(field.getValue(), childPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = ConfigPath.index(path, i);
                JsonNode element = array.get(i);
                if (element.isTextual()) {
                    String replaced = substitute(element.textValue(), childPath);
                    if (replaced != null) {
                        array.set(i, TextNode.valueOf(replaced));
                    }
                } else {
                    apply(element, childPath);
                }
            }
        }
    }

    /** The substituted text, or null when {@code text} has nothing to substitute. */
    private String substitute(String text, String path) {
        int dollar = text.indexOf('$');
        if (dollar < 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        out.append(text, 0, dollar);
        boolean fromEnv = false;
        int i = dollar;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    errors.add(path, "unclosed '${' (write '$${' for a literal '${')");
                    return null;
                }
                String expression = text.substring(i + 2, close);
                String value = resolve(expression, path);
                if (value == null) {
                    return null;
                }
                out.append(value);
                fromEnv = true;
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        if (fromEnv) {
            substituted.add(path);
        }
        return out.toString();
    }

    /** The value of {@code VAR} or {@code VAR:-default}; null (with an error) when it has none. */
    private String resolve(String expression, String path) {
        int sep = expression.indexOf(":-");
        String name = sep < 0 ? expression : expression.substring(0, sep);
        if (!isVariableName(name)) {
            errors.add(path, "not an environment variable name: '" + name + "' in '${" + expression + "}'");
            return null;
        }
        String value = env.get(name);
        if (sep >= 0) {
            return value == null || value.isEmpty() ? expression.substring(sep + 2) : value;
        }
        if (value == null) {
            errors.add(path, "environment variable " + name + " is not set (use ${" + name
                    + ":-default} to give a default)");
        }
        return value;
    }

    private static boolean isVariableName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
