package dev.portcullis.guard.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The feature vector of the classifier head: the sentence embedding, the heuristic rule flags,
 * the similarity of the nearest known attack and of the nearest known benign text, and the
 * log-length of the text. Training and serving build it with this one method.
 */
public final class Features {

    private Features() {}

    /** The feature names for an embedding of {@code dims} dimensions. */
    public static List<String> names(int dims) {
        List<String> out = new ArrayList<>(dims + Heuristics.NAMES.size() + 3);
        for (int i = 0; i < dims; i++) {
            out.add("emb" + i);
        }
        for (String h : Heuristics.NAMES) {
            out.add("heuristic:" + h);
        }
        out.add("nearest-attack");
        out.add("nearest-benign");
        out.add("log-length");
        return out;
    }

    /** Assembles the vector. */
    public static float[] of(float[] embedding, float[] heuristics, NeighbourIndex.Nearest nearest, int length) {
        float[] x = new float[embedding.length + heuristics.length + 3];
        System.arraycopy(embedding, 0, x, 0, embedding.length);
        System.arraycopy(heuristics, 0, x, embedding.length, heuristics.length);
        int i = embedding.length + heuristics.length;
        x[i] = (float) nearest.attack();
        x[i + 1] = (float) nearest.benign();
        x[i + 2] = (float) Math.log1p(length);
        return x;
    }
}
