package dev.portcullis.kernel;

import dev.portcullis.kernel.config.ConfigSchemaGenerator;
import dev.portcullis.kernel.config.ConfigSchemaGenerator.Kind;
import dev.portcullis.kernel.plugin.PluginRegistry;
import dev.portcullis.spi.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the JSON schema of the config file and of every known plugin type, generated from their
 * config records (the distribution ships them in {@code schemas/}).
 */
final class Schemas {

    private Schemas() {}

    static int write(PluginRegistry plugins, Path dir) throws IOException {
        ConfigSchemaGenerator gen = new ConfigSchemaGenerator();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("portcullis.schema.json"),
                gen.gatewaySchema().toPrettyString() + "\n");
        Map<String, Class<?>> policies = new LinkedHashMap<>();
        plugins.policies().forEach((type, p) -> policies.put(type, p.factory().configType()));
        Map<String, Class<?>> backends = new LinkedHashMap<>();
        plugins.backends().forEach((type, p) -> backends.put(type, p.factory().configType()));
        Map<String, Class<?>> stores = new LinkedHashMap<>();
        Map<String, Class<?>> components = new LinkedHashMap<>();
        plugins.components().forEach((type, p) -> {
            boolean store = StateStore.class.isAssignableFrom(p.factory().componentType());
            (store ? stores : components).put(type, p.factory().configType());
        });
        return 1 + gen.writeAll(dir, Kind.POLICY, policies).size()
                + gen.writeAll(dir, Kind.BACKEND, backends).size()
                + gen.writeAll(dir, Kind.STORE, stores).size()
                + gen.writeAll(dir, Kind.COMPONENT, components).size();
    }
}
