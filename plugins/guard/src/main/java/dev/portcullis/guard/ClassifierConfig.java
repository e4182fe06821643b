package dev.portcullis.guard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * The optional model layer: a {@code TextClassifier} component (type {@code onnx-classifier} of
 * the embeddings plugin: a local fine-tuned model, {@code model.onnx} + {@code tokenizer.json}).
 *
 * @param component      the component's name
 * @param threshold      probability of the injection class at or above which it fires (default 0.5)
 * @param injectionLabel the index of the injection class in the model's output (default 1)
 */
public record ClassifierConfig(
        @JsonPropertyDescription("Name of a TextClassifier component (type onnx-classifier)")
        String component,
        @JsonPropertyDescription("Probability of the injection class at or above which the classifier fires (default 0.5)")
        Double threshold,
        @JsonPropertyDescription("Index of the injection class in the model's output (default 1)")
        Integer injectionLabel) implements Validatable {

    public ClassifierConfig {
        threshold = threshold == null ? 0.5 : threshold;
        injectionLabel = injectionLabel == null ? 1 : injectionLabel;
    }

    @Override
    public void validate(ConfigErrors errors) {
        if (component == null || component.isBlank()) {
            errors.add("component", "required: the name of an onnx-classifier component");
        }
        if (threshold <= 0 || threshold > 1) {
            errors.add("threshold", "must be in (0, 1]");
        }
        if (injectionLabel < 0) {
            errors.add("injectionLabel", "must be 0 or more");
        }
    }
}
