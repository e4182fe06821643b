package dev.portcullis.spi;

import org.pf4j.ExtensionPoint;

/**
 * Creates backends of one {@code type:} from their typed config. Implementations are PF4J
 * extensions: annotate them with {@code @org.pf4j.Extension}.
 *
 * @param <C> the config record, bound from YAML by Jackson; implement {@link Validatable} for
 *            checks beyond types
 */
public interface BackendFactory<C> extends ExtensionPoint {

    /** The YAML {@code backend.type} this factory answers to, e.g. {@code http}. */
    String type();

    /** The config record class. */
    Class<C> configType();

    /**
     * Creates a backend; called when a config is loaded or reloaded, never per request.
     *
     * @throws ConfigException when the config is well-typed but unusable
     */
    Backend create(C config, PluginContext context);

    /** One line for {@code portcullis plugins} and the admin API. */
    default String description() {
        return "";
    }
}
