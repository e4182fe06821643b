package dev.portcullis.plugins.embeddings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a tiny but real sequence classifier for tests: an ONNX graph (protobuf written by hand,
 * opset 13) with input {@code input_ids [1, seq]} and output {@code logits [1, 2]} =
 * {@code [0, max(input_ids) - 5]}, and a WordLevel {@code tokenizer.json} in which only
 * {@code ignore} has an id above 5. So a text with "ignore" scores softmax(0, 4) = 0.98 for the
 * injection class, and "hello world" scores 0.05.
 */
public final class TinyOnnxModel {

    public static final String TOKENIZER_JSON = """
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],
             "normalizer":{"type":"Lowercase"},"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
             "model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"world":2,"please":3,"ignore":9},"unk_token":"[UNK]"}}
            """;

    private TinyOnnxModel() {}

    /** Writes {@code model.onnx} and {@code tokenizer.json} into {@code dir}. */
    public static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.onnx"), model());
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER_JSON);
    }

    public static byte[] model() {
        Pb graph = new Pb()
                .msg(1, node("Cast", new String[] {"input_ids"}, "f", attrInt("to", 1)))
                .msg(1, node("ReduceMax", new String[] {"f"}, "m", attrInts("axes", 1), attrInt("keepdims", 1)))
                .msg(1, node("Sub", new String[] {"m", "five"}, "d"))
                .msg(1, node("Concat", new String[] {"zero", "d"}, "logits", attrInt("axis", 1)))
                .str(2, "tiny-guard")
                .msg(5, scalar("five", 5f))
                .msg(5, scalar("zero", 0f))
                .msg(11, valueInfo("input_ids", 7, null))
                .msg(12, valueInfo("logits", 1, 2L));
        return new Pb()
                .varint(1, 8) // ir_version
                .str(2, "portcullis-test")
                .msg(7, graph)
                .msg(8, new Pb().str(1, "").varint(2, 13)) // opset 13
                .bytes();
    }

    private static Pb node(String op, String[] inputs, String output, Pb... attributes) {
        Pb n = new Pb();
        for (String in : inputs) {
            n.str(1, in);
        }
        n.str(2, output).str(3, op + "_" + output).str(4, op);
        for (Pb a : attributes) {
            n.msg(5, a);
        }
        return n;
    }

    private static Pb attrInt(String name, long value) {
        return new Pb().str(1, name).varint(3, value).varint(20, 2);
    }

    private static Pb attrInts(String name, long value) {
        return new Pb().str(1, name).varint(8, value).varint(20, 7);
    }

    private static Pb scalar(String name, float value) {
        return new Pb().varint(1, 1).varint(1, 1).varint(2, 1).fixed32(4, Float.floatToIntBits(value)).str(8, name);
    }

    /** A tensor value info of element type {@code elem}: [1, seq] when {@code width} is null, else [1, width]. */
    private static Pb valueInfo(String name, int elem, Long width) {
        Pb shape = new Pb().msg(1, new Pb().varint(1, 1));
        shape.msg(1, width == null ? new Pb().str(2, "seq") : new Pb().varint(1, width));
        Pb tensor = new Pb().varint(1, elem).msg(2, shape);
        return new Pb().str(1, name).msg(2, new Pb().msg(1, tensor));
    }

    /** Just enough of the protobuf wire format. */
    static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pb varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Pb fixed32(int field, int bits) {
            raw(((long) field << 3) | 5);
            for (int i = 0; i < 4; i++) {
                out.write((bits >>> (8 * i)) & 0xff);
            }
            return this;
        }

        Pb str(int field, String s) {
            return len(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Pb msg(int field, Pb m) {
            return len(field, m.bytes());
        }

        private Pb len(int field, byte[] b) {
            raw(((long) field << 3) | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        private void raw(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
