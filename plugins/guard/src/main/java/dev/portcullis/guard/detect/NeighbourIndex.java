package dev.portcullis.guard.detect;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Labelled reference embeddings (known attacks and known benign prompts), searched exhaustively
 * for the most similar of each kind. Vectors, and the query, are signed bytes (x·127 of a unit
 * vector): 3,000 vectors of 384 dimensions take 1.2 MB and a full scan is one integer dot product each.
 *
 * <p>The bundled index holds the vectors, not the texts, of the labelled development set.
 */
public final class NeighbourIndex {

    /** The resource name of the bundled index. */
    public static final String RESOURCE = "prompt-guard-neighbours.bin";

    private static final int MAGIC = 0x50474e31; // "PGN1"

    private final String model;
    private final int dims;
    private final byte[][] attacks;
    private final byte[][] benign;

    /** The nearest known attack and the nearest known benign text (cosine similarities). */
    public record Nearest(double attack, double benign) {}

    public NeighbourIndex(String model, int dims, byte[][] attacks, byte[][] benign) {
        this.model = model;
        this.dims = dims;
        this.attacks = attacks;
        this.benign = benign;
    }

    /** Quantises a unit vector to bytes. */
    public static byte[] quantise(float[] v) {
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] * 127f)));
        }
        return q;
    }

    /** Both nearest similarities of a unit vector. */
    public Nearest nearest(float[] v) {
        byte[] q = quantise(v);
        return new Nearest(max(q, attacks), max(q, benign));
    }

    /**
     * The highest dot product of {@code q} with any of {@code refs}, as a cosine. Integer
     * arithmetic with four independent sums, so the products of one vector overlap in the CPU.
     */
    public static double max(byte[] q, byte[][] refs) {
        int best = 0;
        int n = q.length;
        int end = n & ~3;
        for (byte[] r : refs) {
            int s0 = 0;
            int s1 = 0;
            int s2 = 0;
            int s3 = 0;
            for (int i = 0; i < end; i += 4) {
                s0 += q[i] * r[i];
                s1 += q[i + 1] * r[i + 1];
                s2 += q[i + 2] * r[i + 2];
                s3 += q[i + 3] * r[i + 3];
            }
            for (int i = end; i < n; i++) {
                s0 += q[i] * r[i];
            }
            int dot = s0 + s1 + s2 + s3;
            if (dot > best) {
                best = dot;
            }
        }
        return best / (127.0 * 127.0);
    }

    /** The model the vectors were made with. */
    public String model() {
        return model;
    }

    /** The vector length. */
    public int dimensions() {
        return dims;
    }

    /** How many attacks and benign texts it holds. */
    public List<Integer> sizes() {
        return List.of(attacks.length, benign.length);
    }

    /** Writes the index. */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeUTF(model);
        d.writeInt(dims);
        d.writeInt(attacks.length);
        d.writeInt(benign.length);
        for (byte[] a : attacks) {
            d.write(a);
        }
        for (byte[] b : benign) {
            d.write(b);
        }
        d.flush();
    }

    /** Reads an index written by {@link #write}. */
    public static NeighbourIndex read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a prompt-guard neighbour index");
        }
        String model = d.readUTF();
        int dims = d.readInt();
        byte[][] attacks = new byte[d.readInt()][dims];
        byte[][] benign = new byte[d.readInt()][dims];
        for (byte[] a : attacks) {
            d.readFully(a);
        }
        for (byte[] b : benign) {
            d.readFully(b);
        }
        return new NeighbourIndex(model, dims, attacks, benign);
    }

    /** Reads the index bundled with the plugin. */
    public static NeighbourIndex bundled() {
        try (InputStream in = NeighbourIndex.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the guard plugin");
            }
            return read(new java.io.BufferedInputStream(in));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }

    @Override
    public String toString() {
        return "NeighbourIndex[" + model + ", " + attacks.length + " attacks, " + benign.length + " benign]";
    }
}
