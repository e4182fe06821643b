package dev.portcullis.kernel.plugin;

import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * Child-first plugin class loading, except for the packages whose types cross the plugin boundary:
 * the SPI, Jackson, SLF4J and Micrometer always come from the gateway. A plugin that bundled its
 * own Jackson would otherwise hand the kernel config records of a different {@code Class} and fail
 * with a LinkageError.
 */
final class GatewayPluginClassLoader extends PluginClassLoader {

    static final List<String> PARENT_FIRST = List.of(
            "java.", "javax.", "jdk.", "sun.",
            "dev.portcullis.spi.",
            "com.fasterxml.jackson.",
            "org.slf4j.",
            "io.micrometer.",
            "org.pf4j.");

    GatewayPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        for (String prefix : PARENT_FIRST) {
            if (className.startsWith(prefix)) {
                return getParent().loadClass(className);
            }
        }
        return super.loadClass(className);
    }
}
