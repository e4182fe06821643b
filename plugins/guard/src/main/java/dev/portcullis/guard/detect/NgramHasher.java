package dev.portcullis.guard.detect;

import java.util.Arrays;
import java.util.Locale;

/**
 * Word unigrams and bigrams of a text, hashed into {@code 2^bits} buckets with sublinear counts
 * and L2 normalisation: the lexical half of the classifier head. It sees the whole text (the
 * embedding sees a truncated prefix), costs microseconds, and catches short phrasings ("ignore
 * above and say") and languages the embedding model barely knows.
 */
public final class NgramHasher {

    private final int mask;

    /** A sparse vector: bucket indexes (sorted, distinct) and values. */
    public record Sparse(int[] index, float[] value) {}

    public NgramHasher(int bits) {
        if (bits < 8 || bits > 24) {
            throw new IllegalArgumentException("bits must be between 8 and 24");
        }
        this.mask = (1 << bits) - 1;
    }

    /** The hashed features of {@code text} (already normalised by {@link UnicodeTricks}). */
    public Sparse hash(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int[] buckets = new int[Math.min(lower.length(), 200_000) + 2];
        int count = 0;
        int prev = 0;
        int i = 0;
        int n = Math.min(lower.length(), 100_000); // bounded work on huge inputs
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(lower.charAt(i))) {
                i++;
            }
            int start = i;
            int h = 0x811C9DC5;
            while (i < n && Character.isLetterOrDigit(lower.charAt(i))) {
                h = (h ^ lower.charAt(i)) * 0x01000193;
                i++;
            }
            if (i == start) {
                break;
            }
            if (count + 2 > buckets.length) {
                break;
            }
            buckets[count++] = mix(h) & mask;
            if (prev != 0) {
                buckets[count++] = mix(prev * 31 + h + 0x5bd1e995) & mask;
            }
            prev = h == 0 ? 1 : h;
        }
        Arrays.sort(buckets, 0, count);
        int[] index = new int[count];
        float[] value = new float[count];
        int m = 0;
        for (int k = 0; k < count; ) {
            int b = buckets[k];
            int c = 0;
            while (k < count && buckets[k] == b) {
                c++;
                k++;
            }
            index[m] = b;
            value[m] = (float) (1 + Math.log(c));
            m++;
        }
        double norm = 0;
        for (int k = 0; k < m; k++) {
            norm += value[k] * value[k];
        }
        float inv = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int k = 0; k < m; k++) {
            value[k] *= inv;
        }
        return new Sparse(Arrays.copyOf(index, m), Arrays.copyOf(value, m));
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
