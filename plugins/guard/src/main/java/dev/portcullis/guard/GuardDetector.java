package dev.portcullis.guard;

import dev.portcullis.guard.detect.Features;
import dev.portcullis.guard.detect.Heuristics;
import dev.portcullis.guard.detect.LinearHead;
import dev.portcullis.guard.detect.NeighbourIndex;
import dev.portcullis.guard.detect.UnicodeTricks;
import dev.portcullis.spi.ConfigException;
import dev.portcullis.spi.Embedder;
import dev.portcullis.spi.InjectionDetector;
import dev.portcullis.spi.PluginContext;
import dev.portcullis.spi.TextClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The layered prompt-injection detector: heuristics always; with an embedder, a logistic head
 * over the embedding, the heuristic flags, the nearest known attack and benign texts and hashed
 * n-grams; optionally a {@link TextClassifier} component (a local ONNX model). Each layer that
 * fires adds its reason; the combined score is the highest layer score, and a text is injected
 * when any layer reaches its own threshold (the head's and the heuristics' is {@code threshold}).
 */
final class GuardDetector implements InjectionDetector {

    /** Above this cosine to a known attack, and closer to it than to any benign text, the neighbour reason is given. */
    static final double NEIGHBOUR_SIMILARITY = 0.85;

    /** The bundled head and index: immutable, read once per class loader (2.6 MB), shared by every guard. */
    private static final class Bundled {
        static final LinearHead HEAD = LinearHead.bundled();
        static final NeighbourIndex INDEX = NeighbourIndex.bundled();
    }

    private final Embedder embedder;
    private final LinearHead head;
    private final NeighbourIndex index;
    private final TextClassifier classifier;
    private final int injectionLabel;
    private final double classifierThreshold;
    private final double threshold;

    private GuardDetector(Embedder embedder, LinearHead head, NeighbourIndex index, TextClassifier classifier,
            ClassifierConfig classifierConfig, double threshold) {
        this.embedder = embedder;
        this.head = head;
        this.index = index;
        this.classifier = classifier;
        this.injectionLabel = classifierConfig == null ? 0 : classifierConfig.injectionLabel();
        this.classifierThreshold = classifierConfig == null ? 1 : classifierConfig.threshold();
        this.threshold = threshold;
    }

    /** Looks up the components {@code config} names and builds the layers. */
    static GuardDetector create(DetectorConfig config, PluginContext context) {
        Embedder embedder = config.embedder() == null ? null : context.component(Embedder.class, config.embedder());
        TextClassifier classifier = config.classifier() == null ? null
                : context.component(TextClassifier.class, config.classifier().component());
        return create(config, embedder, classifier);
    }

    /**
     * Builds the layers of {@code config} over the looked-up components (either may be null).
     *
     * @throws ConfigException naming the key, if the embedder is of another model or the classifier has no such class
     */
    static GuardDetector create(DetectorConfig config, Embedder embedder, TextClassifier classifier) {
        String embedderName = config.embedder();
        LinearHead head = null;
        NeighbourIndex index = null;
        if (embedder != null) {
            head = Bundled.HEAD;
            if (!head.stored().model().equals(embedder.model())) {
                throw new ConfigException("embedder", "the prompt guard's classifier head was trained on embeddings of "
                        + head.stored().model() + ", but component '" + embedderName + "' serves " + embedder.model()
                        + " (use type onnx-embedder without a model to get the bundled one)");
            }
            index = Bundled.INDEX;
        }
        double threshold = config.threshold() != null ? config.threshold() : head != null ? head.stored().threshold() : 0.5;
        if (classifier != null && config.classifier().injectionLabel() >= classifier.classes()) {
            throw new ConfigException("classifier.injectionLabel", "component '" + config.classifier().component() + "' ("
                    + classifier.model() + ") has " + classifier.classes() + " classes, so label "
                    + config.classifier().injectionLabel() + " does not exist");
        }
        return new GuardDetector(embedder, head, index, classifier, config.classifier(), threshold);
    }

    @Override
    public Detection detect(String text) {
        if (text == null || text.isEmpty()) {
            return Detection.clean();
        }
        UnicodeTricks.Findings tricks = UnicodeTricks.inspect(text);
        float[] rules = Heuristics.features(tricks);
        List<String> reasons = new ArrayList<>(Heuristics.reasons(rules));
        double score;
        boolean injected;
        if (head != null) {
            String normalised = tricks.normalised();
            int cap = head.stored().embedChars();
            float[] v = embedder.embed(cap > 0 && normalised.length() > cap ? normalised.substring(0, cap) : normalised);
            NeighbourIndex.Nearest near = index.nearest(v);
            if (near.attack() >= NEIGHBOUR_SIMILARITY && near.attack() > near.benign()) {
                reasons.add("embedding:near-known-attack");
            }
            score = head.score(Features.of(v, rules, near, text.length()), head.hasher() == null ? null : head.hasher().hash(normalised));
            injected = score >= threshold;
            if (injected) {
                reasons.add("classifier:" + String.format(Locale.ROOT, "%.2f", score));
            }
        } else {
            score = Heuristics.score(rules);
            injected = score >= threshold;
        }
        if (classifier != null) {
            double c = classifier.classify(text)[injectionLabel];
            if (c >= classifierThreshold) {
                injected = true;
                reasons.add("model:" + String.format(Locale.ROOT, "%.2f", c));
            }
            score = Math.max(score, c);
        }
        return new Detection(score, injected, reasons);
    }

    /** Whether the embedding layers are on. */
    boolean usesEmbeddings() {
        return head != null;
    }

    double threshold() {
        return threshold;
    }
}
