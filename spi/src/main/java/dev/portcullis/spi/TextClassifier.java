package dev.portcullis.spi;

/**
 * A sequence classifier over text (e.g. a fine-tuned prompt-injection model run with ONNX
 * Runtime): one probability per class. Declared once as a named component
 * ({@code components: { pg-model: { type: onnx-classifier, path: /opt/models/guard } }}) and
 * looked up with {@code context.component(TextClassifier.class, "pg-model")}; the prompt guard
 * uses one as its optional model layer.
 *
 * <p>Thread-safe; every call is CPU-bound and blocking (milliseconds to tens of milliseconds).
 */
public interface TextClassifier {

    /** The class probabilities of {@code text} (softmax over the model's logits; one logit gives [1 - p, p]). */
    float[] classify(String text);

    /** How many classes {@link #classify} returns. */
    int classes();

    /** A stable name of the model, e.g. its folder. */
    String model();
}
