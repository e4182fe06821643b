package dev.portcullis.spi;

import org.pf4j.ExtensionPoint;

/**
 * Creates policies of one {@code type:} from their typed config. Implementations are PF4J
 * extensions: annotate them with {@code @org.pf4j.Extension}.
 *
 * @param <C> the config record, bound from YAML by Jackson (unknown keys are refused); implement
 *            {@link Validatable} for checks beyond types
 */
public interface PolicyFactory<C> extends ExtensionPoint {

    /** The YAML {@code type:} this factory answers to, e.g. {@code rate-limit}. */
    String type();

    /** The config record class. */
    Class<C> configType();

    /**
     * Creates a policy. Called when a config is loaded or reloaded, never per request: do the
     * expensive work (compile patterns, fetch keys) here.
     *
     * @throws ConfigException when the config is well-typed but unusable
     */
    Policy create(C config, PluginContext context);

    /** One line for {@code portcullis plugins} and the admin API. */
    default String description() {
        return "";
    }
}
