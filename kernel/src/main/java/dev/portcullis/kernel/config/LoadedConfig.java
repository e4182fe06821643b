package dev.portcullis.kernel.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A config read from YAML, merged and with {@code ${ENV}} substituted, not yet bound.
 *
 * @param tree             the merged tree; bind it with {@link ConfigBinder#bindGateway}
 * @param substitutedPaths paths of the values that took something from the environment
 *                         ({@code consumers[0].apiKeys[0]}), for {@link ConfigRedactor}
 * @param files            the files read, in merge order (empty for text)
 */
public record LoadedConfig(ObjectNode tree, Set<String> substitutedPaths, List<Path> files) {

    /** Immutable copies of the collections. */
    public LoadedConfig {
        substitutedPaths = Set.copyOf(substitutedPaths);
        files = List.copyOf(files);
    }
}
