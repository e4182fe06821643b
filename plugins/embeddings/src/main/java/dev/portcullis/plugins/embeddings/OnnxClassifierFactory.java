package dev.portcullis.plugins.embeddings;

import dev.portcullis.spi.ComponentFactory;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.TextClassifier;
import org.pf4j.Extension;

/**
 * Creates {@code type: onnx-classifier} components: a local ONNX sequence classifier (e.g. a
 * fine-tuned prompt-injection model) that the prompt guard and other layers look up by name. It
 * lives in this plugin, beside the embedder, because ONNX Runtime and the tokenizer's native
 * library can be loaded by one plugin class loader only.
 */
@Extension
public final class OnnxClassifierFactory implements ComponentFactory<ClassifierConfig, TextClassifier> {

    @Override
    public String type() {
        return "onnx-classifier";
    }

    @Override
    public Class<ClassifierConfig> configType() {
        return ClassifierConfig.class;
    }

    @Override
    public Class<TextClassifier> componentType() {
        return TextClassifier.class;
    }

    @Override
    public TextClassifier create(ClassifierConfig config, PluginContext context) {
        return OnnxTextClassifier.open(config, context.configDir());
    }

    @Override
    public String description() {
        return "Sequence classifier with ONNX Runtime from a local folder (model.onnx + tokenizer.json)";
    }
}
