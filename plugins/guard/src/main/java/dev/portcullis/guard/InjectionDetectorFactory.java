package dev.portcullis.guard;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.InjectionDetector;
import dev.portcullis.spi.PluginContext;
import org.pf4j.Extension;

/**
 * Creates {@code type: injection-detector} components: the prompt guard's detector layers for
 * other layers to call (the MCP gate scans tool descriptions and results with it):
 * {@code components: { injection: { type: injection-detector, embedder: minilm } }}.
 */
@Extension
public final class InjectionDetectorFactory implements ComponentFactory<DetectorConfig, InjectionDetector> {

    @Override
    public String type() {
        return "injection-detector";
    }

    @Override
    public Class<DetectorConfig> configType() {
        return DetectorConfig.class;
    }

    @Override
    public Class<InjectionDetector> componentType() {
        return InjectionDetector.class;
    }

    @Override
    public InjectionDetector create(DetectorConfig config, PluginContext context) {
        return GuardDetector.create(config, context);
    }

    @Override
    public String description() {
        return "Prompt-injection detector (heuristics, embedding classifier, optional ONNX model) for other layers";
    }
}
