package dev.portcullis.plugins.mcp;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.InjectionDetector;
import dev.portcullis.spi.PluginContext;
import java.util.List;
import java.util.Locale;
import org.pf4j.Extension;

/**
 * A small {@link InjectionDetector} component for tests ({@code type: test-detector}), standing in
 * for the prompt guard: it scores a text 0.9 when it contains {@code phrase} (case-insensitive).
 */
@Extension
public final class TestDetectorFactory implements ComponentFactory<TestDetectorFactory.Config, InjectionDetector> {

    /** Config. */
    public record Config(String phrase) {}

    @Override
    public String type() {
        return "test-detector";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Class<InjectionDetector> componentType() {
        return InjectionDetector.class;
    }

    @Override
    public InjectionDetector create(Config config, PluginContext context) {
        String phrase = config.phrase().toLowerCase(Locale.ROOT);
        return text -> text.toLowerCase(Locale.ROOT).contains(phrase)
                ? new InjectionDetector.Detection(0.9, true, List.of("test:phrase"))
                : InjectionDetector.Detection.clean();
    }
}
