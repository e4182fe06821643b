package dev.portcullis.kernel.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the gateway config: the main YAML file, then every {@code conf.d/*.yaml} next to it in
 * file-name order, deep-merged into one tree; then {@code ${VAR}} / {@code ${VAR:-default}}
 * substitution in string values.
 *
 * <p>Merging: maps merge key by key, the top-level lists {@code routes} and {@code consumers}
 * are appended to, anything else from a later file replaces the earlier value.
 *
 * <p>Every problem is reported at once in a {@link ConfigInvalidException}: syntax errors with
 * file, line and column; missing variables with the YAML path.
 */
public final class ConfigLoader {

    /** Top-level lists that later files append to instead of replacing. */
    private static final Set<String> APPENDED = Set.of("routes", "consumers");

    private final Map<String, String> env;

    /**
     * @param env the environment to substitute from, usually {@code System.getenv()}
     */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * Loads {@code mainFile} and the {@code conf.d/*.yaml} files next to it.
     *
     * @throws ConfigInvalidException with every error found
     */
    public LoadedConfig load(Path mainFile) {
        List<Path> files = new ArrayList<>();
        files.add(mainFile);
        files.addAll(confD(mainFile));
        ConfigErrorList errors = new ConfigErrorList();
        List<ObjectNode> trees = new ArrayList<>();
        for (Path file : files) {
            String source = file.toString();
            String text;
            try {
                text = Files.readString(file);
            } catch (CharacterCodingException e) {
                errors.add("", source + ": not UTF-8 text");
                continue;
            } catch (NoSuchFileException e) {
                errors.add("", source + ": no such file");
                continue;
            } catch (IOException e) {
                errors.add("", source + ": cannot read: " + e.getMessage());
                continue;
            }
            ObjectNode tree = parse(text, source, errors);
            if (tree != null) {
                trees.add(tree);
            }
        }
        return finish(trees, files, errors);
    }

    /**
     * Loads config from text, without {@code conf.d}; {@code source} names it in errors.
     *
     * @throws ConfigInvalidException with every error found
     */
    public LoadedConfig load(String yaml, String source) {
        ConfigErrorList errors = new ConfigErrorList();
        ObjectNode tree = parse(yaml, source, errors);
        return finish(tree == null ? List.of() : List.of(tree), List.of(), errors);
    }

    private LoadedConfig finish(List<ObjectNode> trees, List<Path> files, ConfigErrorList errors) {
        errors.throwIfAny();
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        for (ObjectNode tree : trees) {
            merge(merged, tree, "", errors);
        }
        Set<String> substituted = new HashSet<>();
        new EnvSubstitution(env, errors, substituted).apply(merged, "");
        errors.throwIfAny();
        return new LoadedConfig(merged, substituted, files);
    }

    /** The {@code conf.d/*.yaml} (and {@code *.yml}) files next to {@code mainFile}, sorted by name. */
    private static List<Path> confD(Path mainFile) {
        Path parent = mainFile.toAbsolutePath().getParent();
        Path dir = parent == null ? null : parent.resolve("conf.d");
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                // editors leave hidden lock and swap files behind
                if (!name.startsWith(".") && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new ConfigInvalidException("", dir + ": cannot list: " + e.getMessage());
        }
        found.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return found;
    }

    /** The file's tree; null (with an error) when it is not valid YAML or not a mapping. */
    private static ObjectNode parse(String text, String source, ConfigErrorList errors) {
        JsonNode node = null;
        try (JsonParser parser = ConfigMapper.yaml().createParser(text)) {
            if (parser.nextToken() != null) {
                node = ConfigMapper.yaml().readTree(parser);
            }
            if (parser.nextToken() != null) {
                errors.add("", source + ": holds more than one YAML document (---); put extra config in conf.d/ files");
                return null;
            }
        } catch (JsonProcessingException e) {
            errors.add("", syntaxError(source, e));
            return null;
        } catch (IOException e) {
            errors.add("", source + ": " + e.getMessage());
            return null;
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode(); // empty file: all defaults
        }
        if (!(node instanceof ObjectNode object)) {
            errors.add("", source + ": the top level must be a mapping of sections (server, routes, ...), not "
                    + ConfigBinder.describe(node));
            return null;
        }
        return object;
    }

    private static String syntaxError(String source, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            // SnakeYAML knows the problem and, separately, what it was reading when it found it
            Mark problem = y.getProblemMark();
            String message = source + ":" + (problem.getLine() + 1) + ":" + (problem.getColumn() + 1) + ": " + y.getProblem();
            Mark context = y.getContextMark();
            if (y.getContext() != null && context != null) {
                message += " (" + y.getContext() + " at line " + (context.getLine() + 1) + ", column "
                        + (context.getColumn() + 1) + ")";
            }
            return message;
        }
        JsonLocation where = e.getLocation();
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        if (message.startsWith("Duplicate field ")) {
            message = "duplicate key " + message.substring("Duplicate field ".length());
        }
        String at = where == null || where.getLineNr() < 1
                ? source
                : source + ":" + where.getLineNr() + ":" + where.getColumnNr();
        return at + ": " + message.strip();
    }

    /** Merges {@code overlay} into {@code base}; {@code path} is where both sit. */
    private static void merge(ObjectNode base, ObjectNode overlay, String path, ConfigErrorList errors) {
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            JsonNode existing = base.get(key);
            String childPath = ConfigPath.key(path, key);
            if (path.isEmpty() && APPENDED.contains(key)) {
                if (value.isNull()) {
                    continue; // an empty "routes:" adds nothing
                }
                if (existing == null || existing.isNull()) {
                    base.set(key, value); // the binder checks the type
                } else if (existing instanceof ArrayNode list && value instanceof ArrayNode more) {
                    list.addAll(more);
                } else {
                    errors.add(childPath, "expected lists to append, got " + ConfigBinder.describe(existing)
                            + " and then " + ConfigBinder.describe(value));
                }
            } else if (existing instanceof ObjectNode existingObject && value instanceof ObjectNode valueObject) {
                merge(existingObject, valueObject, childPath, errors);
            } else {
                base.set(key, value);
            }
        }
    }
}
