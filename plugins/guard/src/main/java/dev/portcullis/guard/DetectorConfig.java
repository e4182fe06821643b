package dev.portcullis.guard;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.portcullis.spi.ConfigErrors;
import dev.portcullis.spi.Validatable;

/**
 * The detector layers shared by {@code prompt-guard} and the {@code injection-detector}
 * component.
 *
 * @param embedder   name of an {@code Embedder} component (e.g. {@code minilm} of type
 *                   {@code onnx-embedder}); enables the classifier head and the neighbour search.
 *                   Absent: heuristics only.
 * @param threshold  combined-score threshold; default: the head's cross-validated threshold with an
 *                   embedder, 0.5 for heuristics only
 * @param classifier an optional classifier component (a local ONNX model) as a further layer
 */
public record DetectorConfig(
        @JsonPropertyDescription("Embedder component for the classifier head and nearest-neighbour search; absent = heuristics only")
        String embedder,
        @JsonPropertyDescription("Score at or above which a text counts as an injection (0..1)")
        Double threshold,
        @JsonPropertyDescription("Optional TextClassifier component (type onnx-classifier) as a further layer")
        ClassifierConfig classifier) implements Validatable {

    @Override
    public void validate(ConfigErrors errors) {
        if (embedder != null && embedder.isBlank()) {
            errors.add("embedder", "must not be blank");
        }
        if (threshold != null && (threshold <= 0 || threshold > 1)) {
            errors.add("threshold", "must be in (0, 1]");
        }
        if (classifier != null) {
            classifier.validate(errors.at("classifier"));
        }
    }
}
