package dev.portcullis.kernel.config;

/**
 * Builds the YAML paths used in config errors and redaction: {@code routes[2].backend.targets[0].url}.
 * Keys that would make a path ambiguous (dots, brackets, spaces, empty) are written as
 * {@code ["gpt-4.1"]}.
 */
public final class ConfigPath {

    private ConfigPath() {}

    /** The path of {@code key} inside the object at {@code parent}. */
    public static String key(String parent, String key) {
        String segment = needsQuoting(key) ? "[\"" + key.replace("\"", "\\\"") + "\"]" : key;
        if (parent.isEmpty()) {
            return segment;
        }
        return segment.startsWith("[") ? parent + segment : parent + "." + segment;
    }

    /** The path of element {@code index} of the list at {@code parent}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** {@code relative} (as a validator writes it: {@code url}, {@code targets[0].url}) inside {@code prefix}. */
    public static String join(String prefix, String relative) {
        if (relative == null || relative.isEmpty()) {
            return prefix;
        }
        if (prefix.isEmpty()) {
            return relative;
        }
        return relative.startsWith("[") ? prefix + relative : prefix + "." + relative;
    }

    private static boolean needsQuoting(String key) {
        if (key.isEmpty()) {
            return true;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '[' || c == ']' || c == '"' || Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }
}
