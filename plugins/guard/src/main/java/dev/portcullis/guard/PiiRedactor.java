package dev.portcullis.guard;

import dev.portcullis.detect.Detector;
import dev.portcullis.detect.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds PII with the shared detectors ({@code dev.portcullis.detect}, the same as the inspect
 * plugin's) and replaces each value with a placeholder: {@code <EMAIL>}, or with reversible
 * placeholders {@code <EMAIL_1>} that {@link Placeholders} maps back. Immutable and thread-safe.
 */
final class PiiRedactor {

    /** What a reversible placeholder looks like; used to restore them and to avoid cutting one in half. */
    static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z][A-Z_]*_\\d{1,6}>");

    private final List<Detector> detectors;

    PiiRedactor(List<Detector> detectors) {
        this.detectors = List.copyOf(detectors);
    }

    /** Every finding in {@code text}, overlaps merged (the longer span wins), in order. */
    List<Span> find(CharSequence text) {
        List<Span> raw = new ArrayList<>(4);
        for (Detector d : detectors) {
            d.scan(text, raw);
        }
        if (raw.size() < 2) {
            return raw;
        }
        raw.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::length).reversed()));
        List<Span> merged = new ArrayList<>(raw.size());
        Span last = null;
        for (Span s : raw) {
            if (last != null && s.start() < last.end()) {
                if (s.end() > last.end()) {
                    last = new Span(last.start(), s.end(), last.length() >= s.length() ? last.kind() : s.kind(), last.confidence());
                    merged.set(merged.size() - 1, last);
                }
                continue;
            }
            merged.add(s);
            last = s;
        }
        return merged;
    }

    /**
     * {@code text[from, to)} with the {@code spans} inside it replaced.
     *
     * @param placeholders reversible placeholders to use, or null for plain ones ({@code <EMAIL>})
     * @param found        receives the kind of every replaced value
     */
    static String replace(String text, int from, int to, List<Span> spans, Placeholders placeholders, List<String> found) {
        StringBuilder out = new StringBuilder(to - from + 16);
        int at = from;
        for (Span s : spans) {
            if (s.start() < from || s.end() > to) {
                continue;
            }
            out.append(text, at, s.start());
            String value = text.substring(s.start(), s.end());
            out.append(placeholders == null ? plain(s.kind()) : placeholders.placeholder(s.kind(), value));
            found.add(s.kind());
            at = s.end();
        }
        return out.append(text, at, to).toString();
    }

    /** {@code text} with every finding replaced, or null if there was none. */
    String redact(String text, Placeholders placeholders, List<String> found) {
        List<Span> spans = find(text);
        return spans.isEmpty() ? null : replace(text, 0, text.length(), spans, placeholders, found);
    }

    static String plain(String kind) {
        return "<" + label(kind) + ">";
    }

    static String label(String kind) {
        return kind.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code text} with the reversible placeholders of {@code placeholders} put back. */
    static String restore(String text, Placeholders placeholders) {
        if (placeholders == null || placeholders.isEmpty() || text.indexOf('<') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = null;
        int at = 0;
        while (m.find()) {
            String original = placeholders.original(m.group());
            if (original == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 32);
            }
            out.append(text, at, m.start()).append(original);
            at = m.end();
        }
        return out == null ? text : out.append(text, at, text.length()).toString();
    }
}
