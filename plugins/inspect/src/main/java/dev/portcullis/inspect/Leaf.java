package dev.portcullis.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.portcullis.detect.Detector;
import dev.portcullis.detect.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One scalar value of a body (a JSON string or number, a form value, or the whole text of a text
 * body) with its location, and the detector findings in it, computed at most once per detector.
 */
final class Leaf {

    private static final Object[] ROOT = new Object[0];

    private final Object[] location;
    private final String text;
    private final JsonNode parent;
    private final Object key;
    /** Detectors already run here and what they found; a handful at most, so arrays beat a map. */
    private Detector[] scanned;
    private List<Span>[] found;
    private int scans;

    private Leaf(Object[] location, String text, JsonNode parent, Object key) {
        this.location = location;
        this.text = text;
        this.parent = parent;
        this.key = key;
    }

    /** The whole text of a text body. */
    static Leaf root(String text) {
        return new Leaf(ROOT, text, null, null);
    }

    /** A value inside a JSON tree; {@code key} is its member name or index in {@code parent}. */
    static Leaf inTree(Object[] location, String text, JsonNode parent, Object key) {
        return new Leaf(location, text, parent, key);
    }

    /** Member names and indices from the root to this value. */
    Object[] location() {
        return location;
    }

    /** The value as text (numbers and booleans in their JSON spelling). */
    String text() {
        return text;
    }

    /** The nearest member name above this value, for detectors that use it as context. */
    String name() {
        for (int i = location.length - 1; i >= 0; i--) {
            if (location[i] instanceof String s) {
                return s;
            }
        }
        return null;
    }

    /**
     * What {@code detector} finds here at or above {@code minConfidence}; scanned once.
     * {@code scratch} is an empty list the caller lends for the scan, so that the common case (no
     * finding) allocates nothing.
     */
    List<Span> spans(Detector detector, double minConfidence, List<Span> scratch) {
        for (int i = 0; i < scans; i++) {
            if (scanned[i] == detector) {
                return found[i];
            }
        }
        detector.scanField(name(), text, scratch);
        List<Span> spans = List.of();
        if (!scratch.isEmpty()) {
            List<Span> kept = new ArrayList<>(scratch.size());
            for (Span s : scratch) {
                if (s.confidence() >= minConfidence) {
                    kept.add(s);
                }
            }
            spans = kept;
            scratch.clear();
        }
        remember(detector, spans);
        return spans;
    }

    @SuppressWarnings("unchecked")
    private void remember(Detector detector, List<Span> spans) {
        if (scanned == null) {
            scanned = new Detector[4];
            found = new List[4];
        } else if (scans == scanned.length) {
            scanned = Arrays.copyOf(scanned, scans * 2);
            found = Arrays.copyOf(found, scans * 2);
        }
        scanned[scans] = detector;
        found[scans++] = spans;
    }

    /**
     * Writes {@code replacement} where this value is in its tree; returns false for a root leaf,
     * whose owner replaces the whole document.
     */
    boolean replaceInTree(String replacement) {
        if (parent instanceof ObjectNode object) {
            object.set((String) key, TextNode.valueOf(replacement));
            return true;
        }
        if (parent instanceof ArrayNode array) {
            array.set((Integer) key, TextNode.valueOf(replacement));
            return true;
        }
        return false;
    }
}
