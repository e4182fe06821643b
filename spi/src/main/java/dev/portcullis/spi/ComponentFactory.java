package dev.portcullis.spi;

import org.pf4j.ExtensionPoint;

/**
 * Creates shared, named components declared once in config and looked up by policies and
 * backends through {@link PluginContext#component}: state stores ({@code stores:}), and other
 * services ({@code components:}) such as embedders or demo upstreams.
 *
 * @param <C> the config record
 * @param <T> the component's interface, e.g. {@link StateStore}
 */
public interface ComponentFactory<C, T> extends ExtensionPoint {

    /** The YAML {@code type:}, e.g. {@code redis}. */
    String type();

    /** The config record class. */
    Class<C> configType();

    /** The interface the component is looked up by. */
    Class<T> componentType();

    /**
     * Creates the component. If it is {@link AutoCloseable} it is closed when its config is
     * retired and a changed one replaces it.
     */
    T create(C config, PluginContext context);

    /** One line for {@code portcullis plugins} and the admin API. */
    default String description() {
        return "";
    }
}
