package dev.steno.engine.whisper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tensors whisper.cpp expects in a model with given hyper-parameters: names as in OpenAI's checkpoint, shapes in
 * ggml order ({@code ne}, the numpy shape reversed), and types as whisper.cpp allocates them.
 *
 * <p>The order is the converter's (encoder, then decoder; within a block attention before the MLP), which is also
 * the order the test generator writes. whisper.cpp itself accepts any order.
 */
public final class WhisperTensorLayout {
    private WhisperTensorLayout() {
    }

    /**
     * One expected tensor.
     *
     * @param name  tensor name
     * @param type  the type whisper.cpp allocates for it
     * @param shape dimensions in ggml order
     */
    public record Expected(String name, GgmlType type, long[] shape) {
        /** Copies {@code shape}. */
        public Expected {
            shape = shape.clone();
        }

        /** The dimensions in ggml order (a copy). */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Number of values. */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Data bytes of this tensor. */
        public long dataBytes() {
            return type.bytesFor(elements());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Expected e && name.equals(e.name) && type == e.type && Arrays.equals(shape, e.shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + type + " " + Arrays.toString(shape);
        }
    }

    /**
     * The tensors of a model with these hyper-parameters.
     *
     * @throws IllegalArgumentException if the hyper-parameters' ftype has no weight type
     */
    public static List<Expected> expected(WhisperHyperParams hp) {
        GgmlType wtype = hp.weightType();
        if (wtype == null) {
            throw new IllegalArgumentException("unsupported ftype " + hp.ftype());
        }
        // whisper.cpp keeps convolutions at f16 even in quantised models (ggml's conv needs f16 or f32 kernels).
        GgmlType vtype = wtype == GgmlType.F32 ? GgmlType.F32 : GgmlType.F16;
        GgmlType f32 = GgmlType.F32;
        long n = hp.nAudioState();
        long m = hp.nMels();
        List<Expected> out = new ArrayList<>();
        out.add(new Expected("encoder.conv1.weight", vtype, new long[] {3, m, n}));
        out.add(new Expected("encoder.conv1.bias", f32, new long[] {1, n}));
        out.add(new Expected("encoder.conv2.weight", vtype, new long[] {3, n, n}));
        out.add(new Expected("encoder.conv2.bias", f32, new long[] {1, n}));
        out.add(new Expected("encoder.positional_embedding", f32, new long[] {n, hp.nAudioCtx()}));
        for (int i = 0; i < hp.nAudioLayer(); i++) {
            String p = "encoder.blocks." + i + ".";
            attention(out, p + "attn", n, wtype);
            mlp(out, p, n, wtype);
        }
        out.add(new Expected("encoder.ln_post.weight", f32, new long[] {n}));
        out.add(new Expected("encoder.ln_post.bias", f32, new long[] {n}));

        long t = hp.nTextState();
        out.add(new Expected("decoder.token_embedding.weight", wtype, new long[] {t, hp.nVocab()}));
        out.add(new Expected("decoder.positional_embedding", f32, new long[] {t, hp.nTextCtx()}));
        for (int i = 0; i < hp.nTextLayer(); i++) {
            String p = "decoder.blocks." + i + ".";
            attention(out, p + "attn", t, wtype);
            attention(out, p + "cross_attn", t, wtype);
            mlp(out, p, t, wtype);
        }
        out.add(new Expected("decoder.ln.weight", f32, new long[] {t}));
        out.add(new Expected("decoder.ln.bias", f32, new long[] {t}));
        return List.copyOf(out);
    }

    private static void attention(List<Expected> out, String p, long n, GgmlType wtype) {
        GgmlType f32 = GgmlType.F32;
        out.add(new Expected(p + ".query.weight", wtype, new long[] {n, n}));
        out.add(new Expected(p + ".query.bias", f32, new long[] {n}));
        // OpenAI's key projection has no bias.
        out.add(new Expected(p + ".key.weight", wtype, new long[] {n, n}));
        out.add(new Expected(p + ".value.weight", wtype, new long[] {n, n}));
        out.add(new Expected(p + ".value.bias", f32, new long[] {n}));
        out.add(new Expected(p + ".out.weight", wtype, new long[] {n, n}));
        out.add(new Expected(p + ".out.bias", f32, new long[] {n}));
        out.add(new Expected(p + "_ln.weight", f32, new long[] {n}));
        out.add(new Expected(p + "_ln.bias", f32, new long[] {n}));
    }

    private static void mlp(List<Expected> out, String p, long n, GgmlType wtype) {
        GgmlType f32 = GgmlType.F32;
        out.add(new Expected(p + "mlp.0.weight", wtype, new long[] {n, 4 * n}));
        out.add(new Expected(p + "mlp.0.bias", f32, new long[] {4 * n}));
        out.add(new Expected(p + "mlp.2.weight", wtype, new long[] {4 * n, n}));
        out.add(new Expected(p + "mlp.2.bias", f32, new long[] {n}));
        out.add(new Expected(p + "mlp_ln.weight", f32, new long[] {n}));
        out.add(new Expected(p + "mlp_ln.bias", f32, new long[] {n}));
    }
}
